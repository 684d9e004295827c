package io.conclave.projections.sagas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.tasks.TaskRequest;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Reading the saga endpoints' bodies and parameters: every mistake is an IllegalArgumentException
 * (400).
 */
class SagaRequestsTest {
  private static final JsonMapper JSON = ObjectMapper.getDefault();
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final SagaDefinition SAGA =
      Saga.step("research", "gather", "discard")
          .timeout(Duration.ofMinutes(2))
          .parallel(
              Saga.branch("analysis", "analyze", "retract"),
              Saga.branch("fact-check", "verify", "forget"))
          .approval("editor-sign-off")
          .timeout(Duration.ofHours(4))
          .step("write", "draft", "unpublish")
          .input("${prompt}\n\n${previous}")
          .retry(5, Duration.ofSeconds(1))
          .build();
  private static final String JSON_BODY =
      """
      {"taskId": "t-1", "prompt": "Why is the sky blue?", "steps": [
        {"agentType": "research", "action": "gather", "compensation": "discard", "timeout": "2m"},
        {"parallel": [
          {"agentType": "analysis", "action": "analyze", "compensation": "retract"},
          {"agentType": "fact-check", "action": "verify", "compensation": "forget"}]},
        {"approval": "editor-sign-off", "timeout": "4h"},
        {"agentType": "write", "action": "draft", "compensation": "unpublish", "input": "${prompt}\\n\\n${previous}",
         "retry": {"maxAttempts": 5, "backoff": "1s"}}]}
      """;
  private static final String YAML_BODY =
      """
      taskId: t-1
      prompt: Why is the sky blue?
      steps:
        - {agentType: research, action: gather, compensation: discard, timeout: 2m}
        - parallel:
            - {agentType: analysis, action: analyze, compensation: retract}
            - {agentType: fact-check, action: verify, compensation: forget}
        - {approval: editor-sign-off, timeout: 4h}
        - agentType: write
          action: draft
          compensation: unpublish
          input: "${prompt}\\n\\n${previous}"
          retry: {maxAttempts: 5, backoff: 1s}
      """;

  private static JsonNode json(String text) throws IOException {
    return JSON.readValue(text, JsonNode.class);
  }

  @Test
  void aSagaInJsonOrYamlIsTheSagaItDescribes() throws IOException {
    // when
    SagaRequest fromJson = SagaRequest.fromJson(json(JSON_BODY));
    SagaRequest fromYaml = SagaRequest.fromYaml(YAML_BODY);

    // then
    assertThat(fromJson)
        .isEqualTo(new SagaRequest(new TaskRequest("t-1", "Why is the sky blue?", null), SAGA));
    assertThat(fromYaml).isEqualTo(fromJson);
    TaskSubmission task = fromJson.task().submission(NOW, Optional.of(fromJson.saga().steps()));
    assertThat(task.plan()).contains(SAGA.steps());
  }

  @Test
  void withoutATaskIdTheTaskGetsAFreshOne() throws IOException {
    // when
    SagaRequest request =
        SagaRequest.fromJson(json("{\"prompt\": \"p\", \"steps\": [{\"approval\": \"ok\"}]}"));

    // then
    assertThat(request.task().taskId()).isNull();
    assertThat(request.task().submission(NOW, Optional.empty()).taskId())
        .isNotEqualTo(request.task().submission(NOW, Optional.empty()).taskId());
  }

  @Test
  void aBadSagaBodyIsRejectedWithAMessageNamingTheMistake() {
    assertBad(() -> SagaRequest.fromJson(json("[]")), "the body must be an object such as");
    assertBad(() -> SagaRequest.fromJson(null), "the body must be an object such as");
    assertBad(
        () -> SagaRequest.fromJson(json("{\"prompt\": \"p\", \"steps\": [], \"owner\": 1}")),
        "unknown field 'owner'; expected prompt, steps, taskId");
    assertBad(() -> SagaRequest.fromJson(json("{\"steps\": []}")), "prompt is required");
    assertBad(
        () -> SagaRequest.fromJson(json("{\"prompt\": 42, \"steps\": []}")),
        "prompt must be a string");
    assertBad(
        () -> SagaRequest.fromJson(json("{\"prompt\": \"p\", \"taskId\": 7, \"steps\": []}")),
        "taskId must be a string");
    assertBad(() -> SagaRequest.fromJson(json("{\"prompt\": \"p\"}")), "steps is required");
    assertBad(
        () -> SagaRequest.fromJson(json("{\"prompt\": \"p\", \"steps\": []}")),
        "invalid saga: a saga needs at least one step");
    assertBad(
        () ->
            SagaRequest.fromJson(
                json(
                    "{\"prompt\": \"p\", \"steps\": [{\"approval\": \"ok\"}, "
                        + "{\"agentType\": \"x\", \"compensation\": \"y\"}]}")),
        "steps[1].action is required");
    assertBad(
        () -> SagaRequest.fromYaml("prompt: p\nsteps:\n  - {approval: ok, timeout: soon}\n"),
        "steps[0].timeout must be a duration");
  }

  @Test
  void yamlIsReadAsPlainDataOnly() {
    assertBad(() -> SagaRequest.fromYaml("prompt: [unclosed"), "the body is not valid YAML");
    assertBad(
        () -> SagaRequest.fromYaml("prompt: a\nprompt: b\nsteps: []\n"),
        "the body is not valid YAML");
    assertBad(
        () -> SagaRequest.fromYaml("prompt: !!java.io.File /etc/passwd\nsteps: []\n"),
        "the body is not valid YAML");
    assertBad(
        () -> SagaRequest.fromYaml("--- {prompt: a}\n--- {prompt: b}\n"),
        "the body is not valid YAML");
    assertBad(() -> SagaRequest.fromYaml(""), "the body must be an object such as");
    assertBad(() -> SagaRequest.fromYaml("just text"), "the body must be an object such as");
    // a billion laughs: every level refers to the one before ten times
    StringBuilder laughs =
        new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      char p = (char) (c - 1);
      laughs
          .append(c)
          .append(": &")
          .append(c)
          .append(" [*")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append("]\n");
    }
    assertBad(() -> SagaRequest.fromYaml(laughs.toString()), "the body is not valid YAML");
  }

  @Test
  void aTaskMayNameItsTenantWhichMustBeASafeId() throws IOException {
    SagaRequest named =
        SagaRequest.fromYaml("tenant: acme\nprompt: p\nsteps:\n  - {approval: ok}\n");
    assertThat(named.submission(NOW).tenant()).isEqualTo("acme");
    assertThat(
            TaskRequest.parse(json("{\"prompt\": \"p\"}"))
                .submission(NOW, Optional.empty())
                .tenant())
        .isEqualTo("default");
    assertBad(
        () -> TaskRequest.parse(json("{\"prompt\": \"p\", \"tenant\": 3}")), "tenant must be");
    assertBad(
        () -> new TaskRequest("t", "p", "acme corp").submission(NOW, Optional.empty()),
        "tenant may only contain");
  }

  @Test
  void aTaskIdThatIsNotASafeKeyIsRejectedNamingTaskId() {
    assertBad(() -> new TaskRequest("a b", "p", null).submission(NOW, Optional.empty()), "taskId ");
  }

  @Test
  void anApprovalNeedsABooleanAndMayNameWhoAndWhy() throws IOException {
    // then
    assertThat(ApprovalRequest.parse(json("{\"approved\": true}")))
        .isEqualTo(new ApprovalRequest(true, "", ""));
    assertThat(
            ApprovalRequest.parse(
                json("{\"approved\": false, \"actor\": \"alice\", \"comment\": \"no\"}")))
        .isEqualTo(new ApprovalRequest(false, "alice", "no"));
    assertBad(() -> ApprovalRequest.parse(json("{}")), "approved is required: true or false");
    assertBad(
        () -> ApprovalRequest.parse(json("{\"approved\": \"yes\"}")),
        "approved must be a JSON boolean");
    assertBad(
        () -> ApprovalRequest.parse(json("{\"approved\": true, \"actor\": 7}")),
        "actor must be a JSON string");
    assertBad(
        () -> ApprovalRequest.parse(json("{\"approved\": true, \"by\": \"alice\"}")),
        "unknown field 'by'; expected actor, approved, comment");
    assertBad(() -> ApprovalRequest.parse(null), "the body must be a JSON object such as");
  }

  @Test
  void anApprovalIsForAStepIndex() {
    // then
    assertThat(ApprovalRequest.step("0")).isZero();
    assertThat(ApprovalRequest.step("999")).isEqualTo(999);
    for (String bad : new String[] {"-1", "1000", "x", "1.5", ""}) {
      assertBad(
          () -> ApprovalRequest.step(bad),
          "step must be a step index from 0 to 999, was '" + bad + "'");
    }
  }

  @Test
  void sagasAreListedByAnyStatusInAnyCaseHundredAtATimeUnlessAskedOtherwise() {
    // then
    assertThat(SagaQuery.parse(null, null)).isEqualTo(new SagaQuery(Optional.empty(), 100));
    assertThat(SagaQuery.parse("", " ")).isEqualTo(new SagaQuery(Optional.empty(), 100));
    assertThat(SagaQuery.parse("awaiting_approval", "5"))
        .isEqualTo(new SagaQuery(Optional.of(SagaState.Status.AWAITING_APPROVAL), 5));
    assertThat(SagaQuery.parse("Compensated", "1000000"))
        .as("limit is capped")
        .isEqualTo(new SagaQuery(Optional.of(SagaState.Status.COMPENSATED), 1000));
  }

  @Test
  void aBadSagaListQueryIsRejectedNamingTheAllowedValues() {
    assertBad(
        () -> SagaQuery.parse("aborted", null),
        "status must be one of running, awaiting_approval, "
            + "compensating, completed, compensated, failed; was 'aborted'");
    assertBad(() -> SagaQuery.parse(null, "0"), "limit must be >= 1, was 0");
    assertBad(() -> SagaQuery.parse(null, "ten"), "limit must be a whole number, was 'ten'");
  }

  private static void assertBad(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
