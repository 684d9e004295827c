package io.conclave.worker.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.agent.StepResult;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The remote agent's answers: each op and field read as the protocol says, and what breaks it. */
class RemoteWireTest {
  @Test
  void everyKnowledgeOpIsRead() {
    RemoteWire.Answer answer =
        RemoteWire.answer(
            """
            {"status":"completed","output":"ok","knowledge":[
              {"op":"increment","key":"a"},{"op":"increment","key":"a","n":3},
              {"op":"add","key":"b","n":-2},
              {"op":"addToSet","key":"c","element":"e"},{"op":"removeFromSet","key":"c","element":"e"},
              {"op":"put","key":"d","value":"v"},{"op":"clear","key":"d"},
              {"op":"putField","key":"m","field":"f","value":"v"},
              {"op":"removeField","key":"m","field":"f"}]}
            """);

    assertThat(answer.knowledge())
        .containsExactly(
            new KnowledgeOp.Increment("a", 1),
            new KnowledgeOp.Increment("a", 3),
            new KnowledgeOp.Add("b", -2),
            new KnowledgeOp.AddToSet("c", "e"),
            new KnowledgeOp.RemoveFromSet("c", "e"),
            new KnowledgeOp.Put("d", "v"),
            new KnowledgeOp.Clear("d"),
            new KnowledgeOp.PutField("m", "f", "v"),
            new KnowledgeOp.RemoveField("m", "f"));
    assertThat(answer.state()).isEmpty();
    assertThat(answer.decisions()).isEmpty();
  }

  @Test
  void aFailedAnswerAndAnyJsonState() {
    RemoteWire.Answer answer =
        RemoteWire.answer("{\"status\":\"failed\",\"reason\":\"no sources\",\"state\":[1,\"x\"]}");

    assertThat(answer.result()).isEqualTo(new StepResult.Failed("no sources"));
    assertThat(answer.state()).isEqualTo(Optional.of("[1,\"x\"]"));
  }

  @Test
  void whatBreaksTheProtocolIsNamed() {
    assertRejected("{\"status\":\"done\",\"output\":\"x\"}", "status must be completed or failed");
    assertRejected("{\"status\":\"failed\"}", "reason must be a string, is missing");
    assertRejected("[]", "not a JSON object");
    assertRejected("{\"status\":\"completed\",\"output\":\"x\"} trailing", "not JSON");
    assertRejected(
        "{\"status\":\"completed\",\"output\":\"x\",\"decisions\":{}}",
        "decisions must be an array");
    assertRejected(
        "{\"status\":\"completed\",\"output\":\"x\",\"decisions\":[{\"kind\":\"STATE\",\"payload\":\"1\"}]}",
        "decisions[0].kind STATE is the worker's own");
    assertRejected(
        "{\"status\":\"completed\",\"output\":\"x\",\"knowledge\":[{\"op\":\"increment\",\"key\":\"k\",\"n\":0}]}",
        "knowledge[0].n must be at least 1");
    assertRejected(
        "{\"status\":\"completed\",\"output\":\"x\",\"knowledge\":[{\"op\":\"add\",\"key\":\"k\",\"n\":1.5}]}",
        "knowledge[0].n must be an integer");
    assertRejected(
        "{\"status\":\"completed\",\"output\":\"x\",\"knowledge\":[{\"op\":\"merge\",\"key\":\"k\"}]}",
        "knowledge[0].op must be increment");
  }

  private static void assertRejected(String body, String message) {
    assertThatThrownBy(() -> RemoteWire.answer(body))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aProblemIsItsTitleAndDetail() {
    assertThat(RemoteWire.problem("{\"title\":\"Bad\",\"detail\":\"no question\"}"))
        .isEqualTo("Bad: no question");
    assertThat(RemoteWire.problem("{\"detail\":\"no question\"}")).isEqualTo("no question");
    assertThat(RemoteWire.problem("plain text\n error")).isEqualTo("plain text error");
  }

  @Test
  void theAgentsSettingMapsTypesToUrls() {
    assertThat(RemoteAgents.urls("research=http://127.0.0.1:8601/step, write=https://w/step"))
        .containsOnlyKeys("research", "write");
    assertThat(RemoteAgents.urls("")).isEmpty();
    assertThatThrownBy(() -> RemoteAgents.urls("research:http://x"))
        .hasMessageContaining("'research:http://x' is not one");
    assertThatThrownBy(() -> RemoteAgents.urls("research=ftp://x"))
        .hasMessageContaining("conclave.worker.remote-agents");
  }
}
