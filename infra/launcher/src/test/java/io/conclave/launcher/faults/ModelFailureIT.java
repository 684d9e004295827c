package io.conclave.launcher.faults;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.BreakerStateChanged;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.models.ModelCall;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.ConclaveTopics;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import io.conclave.testkit.StackClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker process whose agents ask a real (fake) OpenAI-compatible model server over HTTP: the
 * first two steps get answers, the third step's model answers 500 until the model's pipeline gives
 * up; the step fails once (the step is not retried on top of the model's retries) and the saga
 * compensates, latest first (the failed step too, which may have half-happened). The third step's
 * agent type's circuit breaker opens, the other types' stay closed (a pipeline per model and agent
 * type), and the projections show them and the call ledger (the saga's, its tenant's and each write
 * instance's, folded from the log); sagas submitted while it is open wait and complete once it has
 * half-opened by itself and lets calls through again. A worker that stops leaves no breaker behind.
 */
@ExtendWith(ConclaveStackExtension.class)
class ModelFailureIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aStepWhoseModelFailsHardCompensatesTheSaga(ConclaveStack stack) throws Exception {
    ConclaveSettings settings =
        stack.prepare(
            ConclaveSettings.from(Map.of(), Map.of())
                .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                .withTopicPrefix("model-failure-" + UUID.randomUUID().toString().substring(0, 8)));
    ChildProcess projections = null;
    try (FakeModelServer model = new FakeModelServer()) {
      model.then(
          Reply.answer("sources"),
          Reply.answer("analysis"),
          Reply.error(500, "model crashed"),
          Reply.error(503, "still down"));
      List<String> llm =
          List.of(
              "-Dconclave.llm.base-url=" + model.baseUrl(),
              "-Dconclave.llm.model=fake-gpt",
              "-Dconclave.llm.api-key=sk-test",
              "-Dconclave.llm.max-attempts=2",
              "-Dconclave.llm.backoff-ms=10",
              "-Dconclave.llm.breaker-failures=2",
              "-Dconclave.llm.breaker-window=2",
              "-Dconclave.llm.breaker-delay-ms=10000");
      try (InProcessConclave conclave =
          InProcessConclave.with(settings)
              .workers(0)
              .workerProcesses(1, llm)
              .noProjections()
              .start()) {
        StackClient client = conclave.client();
        // the projections run as a process, as they are deployed; the builder runs them in this JVM
        int port = Http.freePort();
        List<String> projectionProps =
            new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
        projectionProps.addAll(llm);
        projectionProps.add("-Dconclave.http.port=" + port);
        projectionProps.add("-Dconclave.state-dir=" + Files.createTempDirectory("model-failure"));
        projections =
            ChildProcess.start(
                "projections",
                "io.conclave.projections.ProjectionsApplication",
                projectionProps,
                System.out);

        var plan =
            Saga.step("research", "gather", "discard")
                .step("analysis", "analyze", "retract")
                .step("write", "draft", "unpublish")
                .build()
                .steps();
        client.submit("m-1", "Why is the sky blue?", plan);

        client.awaitEnd("saga-m-1");
        List<SagaEvent> events = client.sagaEvents("saga-m-1");
        SagaState saga = SagaState.of(events);
        assertThat(saga.status()).isEqualTo(SagaState.Status.COMPENSATED);
        assertThat(events)
            .filteredOn(e -> e instanceof SagaEvent.StepFailed)
            .singleElement()
            .satisfies(
                e ->
                    assertThat(((SagaEvent.StepFailed) e).error())
                        .contains("answered 503: still down"));
        assertThat(events)
            .filteredOn(e -> e instanceof SagaEvent.Compensated)
            .extracting(e -> ((SagaEvent.Compensated) e).stepIndex())
            .as("the failed step too: it may have half-happened")
            .containsExactly(2, 1, 0);
        // two steps answered, then the third step's two attempts: the step itself was not tried
        // again
        assertThat(model.received()).hasSize(4);
        assertThat(model.received())
            .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer sk-test"));
        // the failed call is in the ledger too: in the log of the agent whose step failed, with the
        // step's failure
        assertThat(client.decisions())
            .filteredOn(d -> d.kind().equals("LLM_CALL_FAILED"))
            .singleElement()
            .satisfies(
                d -> {
                  assertThat(d.agentId()).startsWith("write-");
                  assertThat(d.payload()).contains("answered 503: still down");
                });

        // a saga whose first step is write, submitted while every breaker of write is open: the
        // shard leader does not send the step's command; it holds it until write's breaker
        // half-opens, then sends it
        eventually(() -> assertThat(conclave.coordinator().holds("write")).isTrue());
        client.submit(
            "m-4", "Just write", Saga.step("write", "draft", "unpublish").build().steps());

        // sagas submitted while write's breaker is open (it opened with the third step's failures,
        // for 10 s; submitted only now because their research and analysis steps, whose breakers
        // are closed, call the model at once) wait: their write commands are held instead of
        // failing; they complete once the breaker has half-opened by itself (no call comes to do
        // it) and its probes (2, the default) have closed it
        for (String task : List.of("m-2", "m-3")) {
          client.submit(task, "And the sunset?", plan);
        }
        // write's breaker (2 failures of its last 2 calls) opened: on conclave.agent-health, and
        // GET /breakers shows its latest state; every type has a breaker of its own, registered
        // CLOSED, with that type alone
        List<BreakerStateChanged> health = health(client);
        assertThat(health)
            .filteredOn(b -> b.from() == b.to())
            .extracting(b -> b.breaker() + " " + b.agentTypes())
            .containsExactlyInAnyOrderElementsOf(
                settings.agentTypes().stream()
                    .map(type -> "model:fake-gpt/" + type + " [" + type + "]")
                    .toList());
        assertThat(health)
            .filteredOn(b -> b.breaker().equals("model:fake-gpt/write"))
            .extracting(b -> b.from() + "->" + b.to())
            .startsWith("CLOSED->CLOSED", "CLOSED->OPEN");
        assertThat(health)
            .filteredOn(b -> !b.breaker().equals("model:fake-gpt/write"))
            .as("the other types' breakers did not move")
            .allMatch(b -> b.to() == BreakerStateChanged.State.CLOSED);
        Http http = new Http("http://127.0.0.1:" + port);
        JsonNode[] breakers = new JsonNode[1];
        eventually(
            () -> {
              HttpResponse<String> r = http.get("/breakers");
              assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
              breakers[0] = JSON.readTree(r.body());
              assertThat(breakers[0]).hasSize(settings.agentTypes().size());
            });
        for (JsonNode breaker : breakers[0]) {
          String type = breaker.path("breaker").asText().substring("model:fake-gpt/".length());
          assertThat(settings.agentTypes()).contains(type);
          assertThat(breaker.path("agentTypes")).extracting(JsonNode::asText).containsExactly(type);
          assertThat(breaker.path("state").asText())
              .isIn(
                  type.equals("write")
                      ? List.of("OPEN", "HALF_OPEN", "CLOSED")
                      : List.of("CLOSED"));
        }
        assertThat(http.get("/breakers?state=sideways").statusCode()).isEqualTo(400);

        // the sagas submitted while the breaker was open
        for (String sagaId : List.of("saga-m-2", "saga-m-3", "saga-m-4")) {
          client.awaitEnd(sagaId);
          List<SagaEvent> later = client.sagaEvents(sagaId);
          assertThat(SagaState.of(later).status()).as(sagaId).isEqualTo(SagaState.Status.COMPLETED);
          assertThat(later).as(sagaId).noneMatch(e -> e instanceof SagaEvent.StepFailed);
        }

        assertThat(health(client))
            .filteredOn(b -> b.breaker().equals("model:fake-gpt/write"))
            .extracting(b -> b.from() + "->" + b.to())
            .containsSubsequence("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        // the leader held m-4's first step, then sent it: held, released, completed, in that order
        assertThat(client.sagaEvents("saga-m-4"))
            .extracting(e -> e.getClass().getSimpleName())
            .containsSubsequence(
                "Started", "DispatchHeld", "DispatchReleased", "StepCompleted", "Completed");

        // the two answered calls are the saga's spending, carried by its step events: 5 + 2 tokens
        // each, as the server reported them; the tenant's ledger, folded from the saga events by
        // the projections, has them too
        eventually(
            () -> {
              HttpResponse<String> r = http.get("/sagas/saga-m-1");
              assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
              assertThat(JSON.readTree(r.body()).path("tokensSpent").asLong()).isEqualTo(14);
            });
        eventually(
            () -> {
              HttpResponse<String> r = http.get("/ledger/tenants/default");
              assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
              assertThat(JSON.readTree(r.body()).path("tokens").asLong())
                  .isGreaterThanOrEqualTo(14);
            });
        // each write instance's ledger, folded from its log, has its calls (m-2, m-3 and m-4 asked
        // write's model)
        Map<String, List<ModelCall>> writeCalls = new TreeMap<>();
        client.decisions().stream()
            .filter(d -> d.agentId().startsWith("write-") && d.kind().equals(ModelCall.KIND))
            .forEach(
                d ->
                    writeCalls
                        .computeIfAbsent(d.agentId(), a -> new ArrayList<>())
                        .add(ModelCall.of(d)));
        assertThat(writeCalls.values().stream().mapToInt(List::size).sum())
            .isGreaterThanOrEqualTo(3);
        writeCalls.forEach(
            (agentId, calls) ->
                eventually(
                    () -> {
                      HttpResponse<String> r = http.get("/ledger/agents/" + agentId);
                      assertThat(r.statusCode()).as(agentId).isEqualTo(200);
                      JsonNode ledger = JSON.readTree(r.body());
                      assertThat(ledger.path("calls").asLong()).as(agentId).isEqualTo(calls.size());
                      assertThat(ledger.path("tokens").asLong())
                          .as(agentId)
                          .isEqualTo(calls.stream().mapToLong(c -> c.usage().total()).sum());
                    }));
        // derived, not written: no step wrote ledger knowledge
        assertThat(http.get("/knowledge/ledger.tenant.default.tokens").statusCode()).isEqualTo(404);
        assertThat(http.get("/ledger/agents/write-99").statusCode()).isEqualTo(404);

        // a worker that stops cleanly tombstones its breakers: GET /breakers forgets them
        ChildProcess worker = conclave.workerProcesses().get(0);
        worker.requestStop();
        worker.awaitStop(30);
        eventually(
            () -> {
              HttpResponse<String> r = http.get("/breakers");
              assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
              assertThat(JSON.readTree(r.body())).isEmpty();
            });
      }
    } finally {
      if (projections != null) {
        projections.kill();
      }
    }
  }

  private static List<BreakerStateChanged> health(StackClient client) {
    return client.all(
        client.settings().topics().agentHealth(),
        ConclaveTopics.AGENT_HEALTH_PARTITIONS,
        client.serdes().breakerStateChanged().deserializer());
  }
}
