package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code llm} planner as a coordinator configures it ({@code conclave.coordinator.planner=llm},
 * {@code conclave.llm.*}), against an OpenAI-compatible server on loopback: a plan, then a bad plan
 * refused.
 */
class LlmPlannerServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ConclaveSettings SETTINGS = ConclaveSettings.from(Map.of(), Map.of());
  private final FakeModelServer server;
  private final Planner planner;

  LlmPlannerServerTest() throws Exception {
    server = new FakeModelServer();
    EnvironmentLookup env =
        new EnvironmentLookup(
            Map.of(
                "CONCLAVE_COORDINATOR_PLANNER", "llm",
                "CONCLAVE_LLM_BASE_URL", server.baseUrl().toString(),
                "CONCLAVE_LLM_MODEL", "gpt-test",
                "CONCLAVE_LLM_MAX_ATTEMPTS", "1"),
            Map.of());
    planner = Planners.fromClassPath(getClass().getClassLoader()).select(SETTINGS, env);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A chat completion whose content is {@code text}, escaped as JSON. */
  private static Reply answer(String text) {
    var body = JSON.createObjectNode();
    body.putArray("choices")
        .addObject()
        .put("index", 0)
        .putObject("message")
        .put("role", "assistant")
        .put("content", text);
    body.putObject("usage").put("prompt_tokens", 50).put("completion_tokens", 20);
    return Reply.raw(200, body.toString(), Map.of());
  }

  private Planning plan(String taskId) {
    return TaskPlanning.plan(
        new TaskSubmission(taskId, "why is the sky blue?", Instant.parse("2026-12-07T10:00:00Z")),
        planner,
        TreeMap::new,
        SETTINGS.agentTypes());
  }

  @Test
  void theModelsPlanIsTheSagaAndABadOneIsRefused() throws Exception {
    server.then(
        answer(
            "{\"steps\": [{\"agentType\": \"research\", \"action\": \"gather\","
                + " \"compensation\": \"discard\"}, {\"agentType\": \"write\", \"action\":"
                + " \"draft\", \"compensation\": \"unpublish\"}]}"),
        answer("{\"steps\": [{\"agentType\": \"oracle\", \"action\": \"guess\"}]}"));

    Planning good = plan("t-1");
    Planning bad = plan("t-2");

    assertThat(((Planning.Planned) good).steps())
        .extracting(SagaStep::agentType)
        .containsExactly("research", "write");
    assertThat(good.recorded())
        .singleElement()
        .satisfies(r -> assertThat(r.model()).contains("gpt-test"));
    assertThat(((Planning.Refused) bad).reason()).contains("[oracle]");
    assertThat(bad.recorded())
        .singleElement()
        .satisfies(r -> assertThat(r.payload()).contains("oracle"));
    JsonNode sent = JSON.readTree(server.received().get(0).body());
    assertThat(sent.path("messages").path(0).path("role").asText()).isEqualTo("system");
    assertThat(sent.path("messages").path(0).path("content").asText())
        .contains("research, analysis, write");
    assertThat(sent.path("response_format").toString()).contains("saga_plan");
  }
}
