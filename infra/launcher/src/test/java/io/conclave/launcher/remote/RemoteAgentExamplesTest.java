package io.conclave.launcher.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.launcher.harness.ExampleAgent;
import io.conclave.launcher.harness.ExampleAgent.Language;
import io.conclave.launcher.harness.Http;
import io.conclave.testkit.Eventually;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The remote agents of {@code examples/} against the worker's agent protocol, each run as a real
 * process (node, python3), with a fake OpenAI-compatible server standing in for the worker's
 * per-step model endpoint: what they answer, and what they send the model.
 */
class RemoteAgentExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "step-token-0123";

  @ParameterizedTest
  @EnumSource(Language.class)
  void actsThroughTheStepsModelEndpointAndKeepsItsState(Language language) throws Exception {
    try (FakeModelServer model =
            new FakeModelServer().then(Reply.answer("found x"), Reply.answer("wrote y"));
        ExampleAgent agent = ExampleAgent.start(language, Map.of())) {
      Http http = new Http(agent.url(), null);

      JsonNode first = ok(http.postJson("", act("saga-t1/0/1", "find x", null, model).toString()));
      JsonNode second =
          ok(
              http.postJson(
                  "", act("saga-t1/1/1", "write y", first.get("state"), model).toString()));

      assertThat(first.path("status").asText()).isEqualTo("completed");
      assertThat(first.path("output").asText()).isEqualTo("found x");
      assertThat(first.path("decisions").get(0).path("kind").asText()).isEqualTo("STEP_RESULT");
      assertThat(first.path("decisions").get(0).path("payload").asText()).isEqualTo("found x");
      assertThat(first.path("state").path("steps").asInt()).isEqualTo(1);
      assertThat(first.path("knowledge").get(0))
          .isEqualTo(JSON.readTree("{\"op\":\"increment\",\"key\":\"research.steps\",\"n\":1}"));
      assertThat(second.path("output").asText()).isEqualTo("wrote y");
      assertThat(second.path("state").path("steps").asInt()).isEqualTo(2);

      assertThat(model.received()).hasSize(2);
      for (int i = 0; i < 2; i++) {
        FakeModelServer.Request call = model.received().get(i);
        JsonNode body = JSON.readTree(call.body());
        assertThat(call.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(body.path("model").asText()).isEqualTo("test-model");
        assertThat(body.path("messages")).hasSize(2);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").get(1).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").get(1).path("content").asText())
            .isEqualTo(i == 0 ? "find x" : "write y");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void answersARepeatedIdempotencyKeyAsBeforeWithoutDoingTheStepAgain(Language language)
      throws Exception {
    try (FakeModelServer model = new FakeModelServer().then(Reply.answer("once"));
        ExampleAgent agent = ExampleAgent.start(language, Map.of())) {
      Http http = new Http(agent.url(), null);
      String request = act("saga-t2/0/1", "find x", null, model).toString();

      JsonNode first = ok(http.postJson("", request));
      JsonNode again = ok(http.postJson("", request));

      assertThat(again).isEqualTo(first);
      assertThat(model.received()).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void aRequestJoiningOneThatFailsDoesTheStepItselfOnce(Language language) throws Exception {
    // Given: a slow agent, a first request whose model endpoint is gone (its worker was killed)
    Path effects = Files.createTempFile("effects", ".jsonl");
    try (FakeModelServer model = new FakeModelServer().then(Reply.answer("done once"));
        ExampleAgent agent =
            ExampleAgent.start(
                language, Map.of("SLOW_MS", "1500", "EFFECTS_FILE", effects.toString()))) {
      Http http = new Http(agent.url(), null);
      ObjectNode orphaned = act("saga-t7/0/1", "find x", null, model);
      ((ObjectNode) orphaned.get("model")).put("baseUrl", "http://127.0.0.1:" + Http.freePort());

      // When: the worker that took over sends the same key while the first is still running
      CompletableFuture<HttpResponse<String>> first =
          CompletableFuture.supplyAsync(() -> http.postJson("", orphaned.toString()));
      Eventually.eventually(() -> assertThat(agent.output()).contains("act saga-t7/0/1: started"));
      HttpResponse<String> second =
          http.postJson("", act("saga-t7/0/1", "find x", null, model).toString());

      // Then: the first fails, having done nothing; the second does the step, once
      assertThat(first.get().statusCode()).isEqualTo(503);
      assertThat(ok(second).path("output").asText()).isEqualTo("done once");
      assertThat(model.received()).hasSize(1);
      assertThat(Files.readAllLines(effects)).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void aReDriveDoesTheStepAfreshAndKeepsNoEffect(Language language) throws Exception {
    Path effects = Files.createTempFile("effects", ".jsonl");
    try (FakeModelServer model =
            new FakeModelServer().then(Reply.answer("recorded"), Reply.answer("replayed"));
        ExampleAgent agent =
            ExampleAgent.start(language, Map.of("EFFECTS_FILE", effects.toString()))) {
      Http http = new Http(agent.url(), null);
      ok(http.postJson("", act("saga-t8/0/1", "find x", null, model).toString()));

      JsonNode redriven =
          ok(
              http.postJson(
                  "", act("saga-t8/0/1", "find x", null, model).put("redrive", true).toString()));

      assertThat(redriven.path("output").asText()).isEqualTo("replayed");
      assertThat(model.received()).hasSize(2);
      assertThat(Files.readAllLines(effects)).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void compensatesWithoutCallingTheModel(Language language) throws Exception {
    try (FakeModelServer model = new FakeModelServer();
        ExampleAgent agent = ExampleAgent.start(language, Map.of())) {
      ObjectNode request = act("saga-t3/0/1/compensate", null, null, model);
      request.put("kind", "compensate").put("output", "found x").put("reason", "step 1 failed");
      request.remove("input");

      JsonNode answer = ok(new Http(agent.url(), null).postJson("", request.toString()));

      assertThat(answer.path("status").asText()).isEqualTo("completed");
      assertThat(answer.path("decisions").get(0).path("kind").asText()).isEqualTo("COMPENSATED");
      assertThat(answer.path("decisions").get(0).path("payload").asText())
          .contains("step 1 failed");
      assertThat(model.received()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void failsTheStepWhenTheModelRefusesTheRequestAndPassesOtherModelFailuresOn(Language language)
      throws Exception {
    try (FakeModelServer model =
            new FakeModelServer()
                .then(
                    Reply.error(400, "the prompt is too long"),
                    Reply.error(429, "the step's token budget is spent"));
        ExampleAgent agent = ExampleAgent.start(language, Map.of())) {
      Http http = new Http(agent.url(), null);

      JsonNode refused = ok(http.postJson("", act("saga-t4/0/1", "x", null, model).toString()));
      HttpResponse<String> spent =
          http.postJson("", act("saga-t4/1/1", "y", null, model).toString());

      assertThat(refused.path("status").asText()).isEqualTo("failed");
      assertThat(refused.path("reason").asText()).contains("refused");
      assertThat(spent.statusCode()).as(spent.body()).isEqualTo(503);
      assertThat(JSON.readTree(spent.body()).path("detail").asText()).contains("429");
    }
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void refusesARequestThatCanNeverSucceedWith422(Language language) throws Exception {
    try (FakeModelServer model = new FakeModelServer();
        ExampleAgent agent = ExampleAgent.start(language, Map.of())) {
      Http http = new Http(agent.url(), null);
      ObjectNode unknownKind = act("saga-t5/0/1", "find x", null, model).put("kind", "dance");
      ObjectNode noInput = act("saga-t5/0/1", "find x", null, model);
      noInput.remove("input");

      for (String body : List.of("not JSON", "[1]", unknownKind.toString(), noInput.toString())) {
        HttpResponse<String> r = http.postJson("", body);
        assertThat(r.statusCode()).as("answer to %s: %s", body, r.body()).isEqualTo(422);
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
      }
      assertThat(model.received()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void failsOnPurposeAsToldForTheWorkersTests(Language language) throws Exception {
    try (FakeModelServer model = new FakeModelServer();
        ExampleAgent failing = ExampleAgent.start(language, Map.of("FAULT", "500"));
        ExampleAgent garbled = ExampleAgent.start(language, Map.of("FAULT", "garbage"))) {
      String request = act("saga-t6/0/1", "find x", null, model).toString();

      HttpResponse<String> error = new Http(failing.url(), null).postJson("", request);
      HttpResponse<String> garbage = new Http(garbled.url(), null).postJson("", request);

      assertThat(error.statusCode()).isEqualTo(500);
      assertThat(garbage.statusCode()).isEqualTo(200);
      assertThat(garbage.body()).doesNotStartWith("{\"");
      assertThat(model.received()).isEmpty();
    }
  }

  /** An act request of the protocol, its model endpoint the fake server's. */
  private static ObjectNode act(
      String idempotencyKey, String input, JsonNode state, FakeModelServer model) {
    ObjectNode request = JSON.createObjectNode();
    request
        .put("kind", "act")
        .put("agentType", "research")
        .put("agentId", "research-0")
        .put("sagaId", "saga-t1")
        .put("taskId", "t1")
        .put("stepIndex", 0)
        .put("attempt", 1)
        .put("idempotencyKey", idempotencyKey)
        .put("input", input)
        .put("deadline", "2099-01-01T00:00:00Z");
    request
        .putObject("step")
        .put("agentType", "research")
        .put("action", "research")
        .put("compensation", "forget");
    request.set("state", state);
    request
        .putObject("model")
        .put("baseUrl", model.baseUrl().toString())
        .put("apiKey", TOKEN)
        .put("model", "test-model");
    return request;
  }

  private static JsonNode ok(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as("answer %s", response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
