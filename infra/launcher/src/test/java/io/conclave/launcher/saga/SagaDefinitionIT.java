package io.conclave.launcher.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.Usage;
import io.conclave.coordinator.LlmPlanner;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.launcher.harness.ScriptedAgents;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Saga definitions registered by name, on a real broker and registry: a task naming one runs it, a
 * task naming none that exists is refused and says why. The shard leader's planner is the LLM
 * planner over a scripted model, so a task naming no definition is planned by the model: a good
 * plan runs, a plan naming an agent type nobody runs is refused, and the model's call is in the
 * planner's log either way.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SagaDefinitionIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Answers a prompt that says "astrology" with a plan of that agent type, any other well. */
  private static final LlmClient MODEL =
      new LlmClient() {
        @Override
        public String model() {
          return "scripted-planner";
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
          String prompt = request.messages().get(request.messages().size() - 1).content();
          String type = prompt.contains("astrology") ? "astrology" : "fx-research";
          return ChatResponse.text(
              "scripted-planner",
              "{\"steps\": [{\"agentType\": \""
                  + type
                  + "\", \"action\": \"ok-look\", \"compensation\": \"undo\"},"
                  + " {\"agentType\": \"fx-write\", \"action\": \"ok-write\", \"compensation\": \"undo\"}]}",
              new Usage(50, 20, false));
        }
      };

  private ConclaveSettings settings;
  private InProcessConclave conclave;
  private StackClient client;
  private Http http;

  @BeforeAll
  void start(ConclaveStack stack) throws Exception {
    settings = stack.prepare(SagaIT.sagaSettings(stack, "definitions"));
    conclave =
        InProcessConclave.with(settings)
            .planner(new LlmPlanner(MODEL, settings.agentTypes(), Clock.systemUTC()))
            .agents(ScriptedAgents.Scripted::new)
            .start();
    client = conclave.client();
    http = conclave.http();
  }

  @AfterAll
  void stop() throws Exception {
    conclave.close();
  }

  @Test
  void aTaskNamingARegisteredDefinitionRunsIt() throws Exception {
    // given
    HttpResponse<String> registered =
        http.put(
            "/saga-definitions/brief",
            "application/yaml",
            """
            steps:
              - {agentType: fx-research, action: ok-gather, compensation: undo, input: "on: ${prompt}"}
              - {agentType: fx-write, action: ok-draft, compensation: undo}
            """);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    JsonNode listed = JSON.readTree(http.get("/saga-definitions/brief").body());
    assertThat(listed.path("steps").findValuesAsText("action"))
        .containsExactly("ok-gather", "ok-draft");

    // when
    String taskId = "named-" + UUID.randomUUID().toString().substring(0, 6);
    HttpResponse<String> submitted =
        http.postJson(
            "/tasks",
            "{\"taskId\": \"" + taskId + "\", \"prompt\": \"tides\", \"definition\": \"brief\"}");

    // then
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    SagaState saga = client.awaitEnd("saga-" + taskId);
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPLETED);
    assertThat(saga.plan()).extracting(SagaStep::action).containsExactly("ok-gather", "ok-draft");
    assertThat(saga.steps().get(0).output()).contains("on: tides");
    assertThat(plannerDecisions(saga.sagaId()))
        .extracting(Decision::kind, Decision::payload)
        .containsExactly(tuple("PLAN", "brief: fx-research.ok-gather -> fx-write.ok-draft"));
  }

  @Test
  void theCliRegistersADefinitionAndSubmitsATaskNamingIt() throws Exception {
    // given
    Path file = Files.createTempFile("definition", ".yaml");
    Files.writeString(
        file,
        """
        prompt: left out of the definition
        steps:
          - {agentType: fx-analysis, action: ok-weigh, compensation: undo}
        """);

    // when
    Cli.Result registered =
        Cli.run(settings, "saga", "register", file.toString(), "--name", "weigh");
    Cli.Result listed = Cli.run(settings, "saga", "definitions", "weigh");
    Cli.Result submitted =
        Cli.run(
            settings, "task", "submit", "--id", "cli-weigh-1", "--definition", "weigh", "tides");

    // then
    assertThat(registered.exitCode()).as(registered.err()).isZero();
    assertThat(listed.out()).singleElement().asString().contains("\"ok-weigh\"");
    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    SagaState saga = client.awaitEnd("saga-cli-weigh-1");
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPLETED);
    assertThat(saga.plan()).extracting(SagaStep::action).containsExactly("ok-weigh");
  }

  @Test
  void aTaskNamingNoRegisteredDefinitionIsRefusedAndSaysWhy() throws Exception {
    // when
    String taskId = "unnamed-" + UUID.randomUUID().toString().substring(0, 6);
    Cli.Result submitted =
        Cli.run(settings, "task", "submit", "--id", taskId, "--definition", "nope", "tides");

    // then
    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    SagaState saga = client.awaitEnd("saga-" + taskId);
    assertThat(saga.status()).isNotEqualTo(SagaState.Status.COMPLETED);
    assertThat(saga.reason()).contains("no saga definition named 'nope' is registered");
    JsonNode view = http.awaitTaskStatus(taskId, saga.status().name());
    assertThat(view.path("error").asText()).contains("no saga definition named 'nope'");
    assertThat(plannerDecisions(saga.sagaId()))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.kind()).isEqualTo("REFUSED");
              assertThat(d.payload()).contains("'nope'");
            });
    assertThat(http.get("/saga-definitions/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void theLlmPlannersGoodPlanRunsAndItsBadPlanIsRefusedBothRecorded() throws Exception {
    // when
    String good = "llm-" + UUID.randomUUID().toString().substring(0, 6);
    String bad = "llm-bad-" + UUID.randomUUID().toString().substring(0, 6);
    client.submit(good, "summarise the tides");
    client.submit(bad, "ask astrology about the tides");

    // then
    SagaState ran = client.awaitEnd("saga-" + good);
    assertThat(ran.status()).isEqualTo(SagaState.Status.COMPLETED);
    assertThat(ran.plan()).extracting(SagaStep::action).containsExactly("ok-look", "ok-write");
    assertThat(plannerDecisions(ran.sagaId()))
        .extracting(Decision::kind)
        .containsExactly("LLM_CALL", "PLAN");
    SagaState refused = client.awaitEnd("saga-" + bad);
    assertThat(refused.reason()).contains("the plan is refused").contains("[astrology]");
    List<Decision> logged = plannerDecisions(refused.sagaId());
    assertThat(logged).extracting(Decision::kind).containsExactly("LLM_CALL", "REFUSED");
    assertThat(logged.get(0).model()).contains("scripted-planner");
    assertThat(logged.get(0).payload()).contains("astrology");
  }

  private List<Decision> plannerDecisions(String sagaId) {
    return client.decisions().stream()
        .filter(d -> d.key().agentId().startsWith("planner-"))
        .filter(d -> d.sagaId().filter(sagaId::equals).isPresent())
        .toList();
  }
}
