package io.conclave.launcher.saga;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.coordinator.Coordinator;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.EffectLedger;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.launcher.harness.ScriptedAgents;
import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sagas on a real broker and registry, with a shard leader and one worker for three scripted agent
 * types ({@link ScriptedAgents}): success, compensation in reverse order, approvals, fork/join,
 * deadlines, and a compensation that keeps failing. What the saga did is read back from
 * conclave.saga-events and folded with {@link SagaState}; what the agents did outside Kafka from
 * the {@link EffectLedger}.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class SagaIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private ConclaveSettings settings;
  private Path ledger;
  private InProcessConclave conclave;
  private StackClient client;
  private Http http;

  @BeforeAll
  void start(ConclaveStack stack) throws Exception {
    settings = stack.prepare(sagaSettings(stack, "saga"));
    ledger = Files.createTempFile("effects", ".ledger");
    System.setProperty(EffectLedger.PROPERTY, ledger.toString());
    conclave = InProcessConclave.with(settings).agents(ScriptedAgents.Scripted::new).start();
    client = conclave.client();
    http = conclave.http();
  }

  /** Settings for the scripted agent types, with a short deadline grace; not yet provisioned. */
  public static ConclaveSettings sagaSettings(ConclaveStack stack, String name) {
    return ConclaveSettings.from(
            Map.of(),
            Map.of(
                "conclave.agent-types",
                "fx-research,fx-analysis,fx-write",
                "conclave.saga.deadline-grace-ms",
                "500"))
        .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
        .withTopicPrefix(name + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @AfterAll
  void stop() throws Exception {
    conclave.close();
    System.clearProperty(EffectLedger.PROPERTY);
  }

  @Test
  void researchAnalysisWriteCompletesAndEachStepWorksOnThePreviousOutput() throws Exception {
    // when
    SagaState saga =
        run(
            "ok",
            Saga.step("fx-research", "ok-gather", "undo")
                .input("sources for: ${prompt}")
                .step("fx-analysis", "ok-analyze", "undo")
                .step("fx-write", "ok-draft", "undo")
                .build());

    // then
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPLETED);
    assertThat(saga.steps())
        .allSatisfy(s -> assertThat(s.status()).isEqualTo(SagaState.StepStatus.COMPLETED));
    assertThat(saga.steps().get(0).output()).contains("[input: sources for: question ok]");
    assertThat(saga.steps().get(1).output()).contains("<- " + saga.steps().get(0).output());
    assertThat(effectsOf(saga.sagaId()))
        .containsExactly(
            "fx-research.ok-gather step 0",
            "fx-analysis.ok-analyze step 1",
            "fx-write.ok-draft step 2");
  }

  @Test
  void aFailureInStepThreeCompensatesItThenStepTwoThenStepOne() throws Exception {
    // when
    SagaState saga =
        run(
            "fail3",
            Saga.step("fx-research", "ok-gather", "undo-discard")
                .step("fx-analysis", "ok-analyze", "undo-retract")
                .step("fx-write", "fail-draft", "undo-unpublish")
                .build());

    // then
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPENSATED);
    assertThat(saga.compensationOrder()).containsExactly(2, 1, 0);
    assertThat(saga.steps())
        .allSatisfy(s -> assertThat(s.compensation()).isEqualTo(SagaState.CompensationStatus.DONE));
    assertThat(client.sagaEvents(saga.sagaId()))
        .filteredOn(e -> e instanceof SagaEvent.Compensated)
        .extracting(e -> ((SagaEvent.Compensated) e).stepIndex())
        .containsExactly(2, 1, 0);
    assertThat(effectsOf(saga.sagaId()))
        .containsExactly(
            "fx-research.ok-gather step 0",
            "fx-analysis.ok-analyze step 1",
            "fx-write.fail-draft step 2",
            "fx-write.undo-unpublish undo of step 2",
            "fx-analysis.undo-retract undo of step 1",
            "fx-research.undo-discard undo of step 0");

    // and the projections show it
    JsonNode view = awaitView(saga.sagaId(), "COMPENSATED");
    assertThat(view.path("compensations").findValuesAsText("step")).containsExactly("2", "1", "0");
    assertThat(view.path("steps").get(2).path("status").asText()).isEqualTo("FAILED");
    assertThat(view.path("steps").get(0).path("compensation").path("status").asText())
        .isEqualTo("DONE");
    assertThat(view.path("reason").asText()).contains("scripted failure");
    eventually(
        () ->
            assertThat(
                    JSON.readTree(http.get("/sagas?status=compensated").body())
                        .findValuesAsText("sagaId"))
                .contains(saga.sagaId()));
  }

  @Test
  void aSagaDefinedInYamlOverHttpRunsAndIsFollowedThere() throws Exception {
    // when
    HttpResponse<String> accepted =
        http.post(
            "/sagas",
            "application/yaml",
            """
        taskId: yaml-1
        prompt: why is the sky blue?
        steps:
          - {agentType: fx-research, action: ok-gather, compensation: undo, input: "sources for: ${prompt}"}
          - parallel:
              - {agentType: fx-analysis, action: ok-analyze, compensation: undo}
              - {agentType: fx-write, action: ok-outline, compensation: undo}
          - {agentType: fx-write, action: ok-draft, compensation: undo, timeout: 30s, retry: {maxAttempts: 2}}
        """);

    // then
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(JSON.readTree(accepted.body()).path("location").asText())
        .isEqualTo("/sagas/saga-yaml-1");
    JsonNode view = awaitView("saga-yaml-1", "COMPLETED");
    assertThat(view.path("steps"))
        .hasSize(4)
        .allSatisfy(s -> assertThat(s.path("status").asText()).isEqualTo("COMPLETED"));
    assertThat(view.path("steps").get(0).path("output").asText())
        .contains("sources for: why is the sky blue?");
    assertThat(view.path("steps").get(3).path("deadline").asText()).isNotBlank();
    assertThat(view.path("durationMs").asLong()).isNotNegative();
  }

  @Test
  void theCliStartsShowsAndApprovesASaga() throws Exception {
    // given
    Path file = Files.createTempFile("saga", ".yaml");
    Files.writeString(
        file,
        """
        taskId: cli-1
        prompt: from the command line
        steps:
          - {agentType: fx-research, action: ok-gather, compensation: undo}
          - {approval: sign-off}
          - {agentType: fx-write, action: ok-publish, compensation: undo}
        """);

    // when
    Cli.Result started = Cli.run(settings, "saga", "start", file.toString());

    // then
    assertThat(started.exitCode()).as(started.err()).isZero();
    assertThat(started.out()).containsExactly("saga-cli-1");
    client.awaitSaga("saga-cli-1", s -> s.status() == SagaState.Status.AWAITING_APPROVAL);
    Cli.Result shown = Cli.run(settings, "saga", "show", "saga-cli-1");
    assertThat(shown.out().get(0)).contains("saga-cli-1").contains("AWAITING_APPROVAL");
    assertThat(shown.out())
        .anySatisfy(l -> assertThat(l).contains("approval.sign-off").contains("AWAITING_APPROVAL"));
    Cli.Result submitted =
        Cli.run(settings, "task", "submit", "--id", "cli-json-1", "--json", "a", "prompt");
    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    JsonNode where = new ObjectMapper().readTree(String.join("\n", submitted.out()));
    assertThat(where.path("taskId").asText()).isEqualTo("cli-json-1");
    assertThat(where.path("topic").asText()).isEqualTo(settings.topics().tasks());
    assertThat(where.path("offset").isIntegralNumber()).as(where.toString()).isTrue();
    Cli.Result json = Cli.run(settings, "saga", "show", "saga-cli-1", "--json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode shownJson = new ObjectMapper().readTree(String.join("\n", json.out()));
    assertThat(shownJson.path("sagaId").asText()).isEqualTo("saga-cli-1");
    assertThat(shownJson.path("status").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(shownJson.path("steps").get(1).path("agentType").asText()).isEqualTo("approval");
    Files.writeString(
        file,
        """
        taskId: cli-2
        prompt: from a script
        steps:
          - {agentType: fx-research, action: ok-gather, compensation: undo}
        """);
    Cli.Result startedJson = Cli.run(settings, "saga", "start", file.toString(), "--json");
    assertThat(startedJson.exitCode()).as(startedJson.err()).isZero();
    JsonNode start = JSON.readTree(String.join("\n", startedJson.out()));
    assertThat(start.path("sagaId").asText()).isEqualTo("saga-cli-2");
    assertThat(start.path("taskId").asText()).isEqualTo("cli-2");
    assertThat(start.path("topic").asText()).isEqualTo(settings.topics().tasks());
    assertThat(
            recordAt(
                settings.topics().tasks(), start, client.serdes().taskSubmission().deserializer()))
        .isInstanceOfSatisfying(
            TaskSubmission.class, t -> assertThat(t.taskId()).isEqualTo("cli-2"));
    assertThat(client.awaitEnd("saga-cli-2").status()).isEqualTo(SagaState.Status.COMPLETED);

    // when
    Cli.Result approved =
        Cli.run(
            settings,
            "saga",
            "approve",
            "saga-cli-1",
            "1",
            "--actor",
            "ops",
            "--comment",
            "fine",
            "--json");

    // then
    assertThat(approved.exitCode()).as(approved.err()).isZero();
    JsonNode decided = JSON.readTree(String.join("\n", approved.out()));
    assertThat(decided.path("sagaId").asText()).isEqualTo("saga-cli-1");
    assertThat(decided.path("step").asInt()).isEqualTo(1);
    assertThat(decided.path("approved").asBoolean()).isTrue();
    assertThat(decided.path("actor").asText()).isEqualTo("ops");
    assertThat(decided.path("topic").asText()).isEqualTo(settings.topics().sagaEvents());
    assertThat(client.awaitEnd("saga-cli-1").steps().get(1).output())
        .isEqualTo("approved by ops: fine");
    assertThat(
            recordAt(
                settings.topics().sagaEvents(),
                decided,
                client.serdes().sagaEvent().deserializer()))
        .isInstanceOfSatisfying(
            SagaEvent.ApprovalDecided.class,
            d -> {
              assertThat(d.sagaId()).isEqualTo("saga-cli-1");
              assertThat(d.stepIndex()).isEqualTo(1);
              assertThat(d.comment()).isEqualTo("fine");
            });
    Cli.Result again = Cli.run(settings, "saga", "approve", "saga-cli-1", "1", "--json");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.out()).as("a refusal prints no document").isEmpty();
    assertThat(again.err()).contains("does not wait for a decision: it is COMPLETED");
  }

  @Test
  void aSagaNamingAnAgentTypeWithoutTopicsIsRefusedWithA400() {
    HttpResponse<String> refused =
        http.postJson(
            "/sagas",
            "{\"prompt\": \"p\", \"steps\": [{\"agentType\": \"fx-nobody\", \"action\": \"a\", \"compensation\": \"u\"}]}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("fx-nobody").contains("conclave.agent-types");
  }

  @Test
  void anApprovedStepLetsTheSagaGoOn() throws Exception {
    // given
    String sagaId =
        submit(
            "approve",
            Saga.step("fx-research", "ok-gather", "undo")
                .approval("sign-off")
                .step("fx-write", "ok-publish", "undo")
                .build());
    client.awaitSaga(sagaId, s -> s.status() == SagaState.Status.AWAITING_APPROVAL);

    awaitView(sagaId, "AWAITING_APPROVAL");

    // when: approved over HTTP
    HttpResponse<String> approved =
        http.postJson(
            "/sagas/" + sagaId + "/approvals/1",
            "{\"approved\": true, \"actor\": \"editor\", \"comment\": \"looks right\"}");

    // then
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(202);
    SagaState saga = client.awaitEnd(sagaId);
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPLETED);
    awaitView(sagaId, "COMPLETED");
    HttpResponse<String> again =
        http.postJson("/sagas/" + sagaId + "/approvals/1", "{\"approved\": false}");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(saga.steps().get(1).output()).isEqualTo("approved by editor: looks right");
    assertThat(saga.steps().get(2).output())
        .as("the approval's text is not the next step's input")
        .endsWith("<- " + saga.steps().get(0).output());
  }

  @Test
  void aRejectedStepCompensatesWhatRanBefore() throws Exception {
    // given
    String sagaId =
        submit(
            "reject",
            Saga.step("fx-research", "ok-gather", "undo")
                .approval("sign-off")
                .step("fx-write", "ok-publish", "undo")
                .build());
    client.awaitSaga(sagaId, s -> s.status() == SagaState.Status.AWAITING_APPROVAL);

    // when
    decide(sagaId, 1, false);

    // then
    SagaState saga = client.awaitEnd(sagaId);
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPENSATED);
    assertThat(saga.steps().get(1).error()).isEqualTo("rejected by editor: looks right");
    assertThat(saga.compensationOrder()).containsExactly(0);
    assertThat(saga.steps().get(2).status()).isEqualTo(SagaState.StepStatus.PENDING);
  }

  @Test
  void parallelBranchesJoinBeforeTheNextStep() throws Exception {
    // when
    SagaState saga =
        run(
            "fork",
            Saga.step("fx-research", "ok-gather", "undo")
                .parallel(
                    Saga.branch("fx-analysis", "ok-analyze", "undo"),
                    Saga.branch("fx-write", "ok-outline", "undo"))
                .step("fx-research", "ok-merge", "undo")
                .build());

    // then
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPLETED);
    assertThat(saga.joined()).containsExactly(1);
    String merged = saga.steps().get(3).output();
    assertThat(merged)
        .contains(saga.steps().get(1).output())
        .contains(saga.steps().get(2).output());
    assertThat(saga.steps().get(3).dispatchedAt())
        .isAfterOrEqualTo(saga.steps().get(1).finishedAt())
        .isAfterOrEqualTo(saga.steps().get(2).finishedAt());
  }

  @Test
  void aFailingBranchCompensatesEveryCompletedStepIncludingTheOtherBranch() throws Exception {
    // when: the failing branch is the quick one, so the join waits for the other to finish
    SagaState saga =
        run(
            "forkfail",
            Saga.step("fx-research", "ok-gather", "undo")
                .parallel(
                    Saga.branch("fx-analysis", "sleep-300-ok", "undo"),
                    Saga.branch("fx-write", "fail-outline", "undo"))
                .step("fx-research", "ok-merge", "undo")
                .build());

    // then
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPENSATED);
    assertThat(saga.steps().get(1).status()).isEqualTo(SagaState.StepStatus.COMPLETED);
    assertThat(saga.steps().get(2).status()).isEqualTo(SagaState.StepStatus.FAILED);
    assertThat(saga.compensationOrder()).containsExactly(2, 1, 0);
    assertThat(saga.steps().get(3).status()).isEqualTo(SagaState.StepStatus.PENDING);
    assertThat(effectsOf(saga.sagaId())).doesNotContain("fx-research.ok-merge step 3");
  }

  @Test
  void aStepPastItsDeadlineIsFailedByTheLeaderAndCompensated() throws Exception {
    // when: the analysis takes 3 s, its deadline is 1 s
    SagaState saga =
        run(
            "late",
            Saga.step("fx-research", "ok-gather", "undo")
                .step("fx-analysis", "sleep-3000-ok", "undo")
                .timeout(Duration.ofSeconds(1))
                .retry(1, Duration.ZERO)
                .step("fx-write", "ok-draft", "undo")
                .build());

    // then
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPENSATED);
    assertThat(saga.steps().get(1).status()).isEqualTo(SagaState.StepStatus.FAILED);
    assertThat(saga.steps().get(1).error()).isEqualTo("deadline of 1 s exceeded");
    assertThat(saga.compensationOrder()).containsExactly(1, 0);
    assertThat(saga.steps().get(2).status()).isEqualTo(SagaState.StepStatus.PENDING);
  }

  @Test
  void aCompensationThatKeepsFailingIsRetriedThenParkedWithAnAlert() throws Exception {
    // when: undoing the research fails every time; it gets three attempts
    SagaState saga =
        run(
            "park",
            Saga.step("fx-research", "ok-gather", "undo-fails")
                .retry(3, Duration.ofMillis(100))
                .step("fx-analysis", "fail-analyze", "undo")
                .build());

    // then
    assertThat(saga.status()).isEqualTo(SagaState.Status.FAILED);
    assertThat(saga.steps().get(1).compensation()).isEqualTo(SagaState.CompensationStatus.DONE);
    assertThat(saga.steps().get(0).compensation()).isEqualTo(SagaState.CompensationStatus.PARKED);
    List<SagaEvent> events = client.sagaEvents(saga.sagaId());
    assertThat(events)
        .filteredOn(e -> e instanceof SagaEvent.CompensationFailed)
        .extracting(e -> ((SagaEvent.CompensationFailed) e).attempt())
        .containsExactly(1, 2, 3);
    assertThat(events)
        .filteredOn(e -> e instanceof SagaEvent.CompensationRetried)
        .extracting(e -> ((SagaEvent.CompensationRetried) e).attempt())
        .containsExactly(2, 3);
    assertThat(events).filteredOn(e -> e instanceof SagaEvent.CompensationParked).hasSize(1);
    assertThat(effectsOf(saga.sagaId()))
        .filteredOn(e -> e.startsWith("fx-research.undo-fails"))
        .hasSize(3);
    List<DeadLetter> letters = client.deadLetters();
    assertThat(letters)
        .anySatisfy(
            d -> {
              assertThat(d.errorClass()).endsWith("CompensationParked");
              assertThat(d.errorMessage())
                  .contains("step 0 of " + saga.sagaId())
                  .contains("failed 3 times");
              assertThat(d.sourceTopic()).isEqualTo(settings.topics().sagaEvents());
              var parked =
                  client
                      .serdes()
                      .compensateCommand()
                      .deserializer()
                      .deserialize(settings.topics().compensations("fx-research"), d.value());
              assertThat(parked.stepIndex()).isZero();
              assertThat(parked.slip().sagaId()).isEqualTo(saga.sagaId());
            });
  }

  @Test
  void aNewShardLeaderCarriesOnASagaThatWaitsForApproval() throws Exception {
    // given: a saga waits for approval under the current leader
    String sagaId =
        submit(
            "handover",
            Saga.step("fx-research", "ok-gather", "undo")
                .approval("sign-off")
                .step("fx-write", "ok-publish", "undo")
                .build());
    client.awaitSaga(sagaId, s -> s.status() == SagaState.Status.AWAITING_APPROVAL);

    // when: another coordinator takes the shards over (it rebuilds the shard's sagas from their
    // events) and then the approval comes
    Coordinator next = conclave.replaceCoordinator();
    eventually(() -> assertThat(next.ledShards()).hasSize(settings.partitions()));
    decide(sagaId, 1, true);

    // then: the new leader carried it out, once
    SagaState saga = client.awaitEnd(sagaId);
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPLETED);
    assertThat(client.sagaEvents(sagaId))
        .filteredOn(e -> e instanceof SagaEvent.StepCompleted c && c.stepIndex() == 1)
        .hasSize(1);
  }

  private JsonNode awaitView(String sagaId, String status) {
    JsonNode[] last = new JsonNode[1];
    eventually(
        () -> {
          HttpResponse<String> r = http.get("/sagas/" + sagaId);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          last[0] = JSON.readTree(r.body());
          assertThat(last[0].path("status").asText()).isEqualTo(status);
        });
    return last[0];
  }

  private SagaState run(String name, SagaDefinition saga) throws Exception {
    return client.awaitEnd(submit(name, saga));
  }

  private String submit(String name, SagaDefinition saga) throws Exception {
    String taskId = name + "-" + UUID.randomUUID().toString().substring(0, 6);
    client.submit(taskId, "question " + name, saga.steps());
    return "saga-" + taskId;
  }

  private void decide(String sagaId, int step, boolean approved) throws Exception {
    String taskId = sagaId.substring("saga-".length());
    client.send(
        client
            .records()
            .sagaEvent(
                new SagaEvent.ApprovalDecided(
                    sagaId,
                    taskId,
                    step,
                    approved,
                    "editor",
                    "looks right",
                    Clock.systemUTC().instant())));
  }

  /** The ledger's effects for the saga, without their keys, in the order they happened. */
  private List<String> effectsOf(String sagaId) throws Exception {
    return EffectLedger.read(ledger).stream()
        .map(EffectLedger.Effect::what)
        .filter(w -> w.endsWith(" of " + sagaId))
        .map(w -> w.substring(0, w.length() - (" of " + sagaId).length()))
        .toList();
  }

  /**
   * The record a {@code --json} answer says was written, at its {@code partition} and {@code
   * offset} of topic.
   */
  private <T> T recordAt(String topic, JsonNode written, Deserializer<T> reader) {
    long offset = written.path("offset").asLong();
    List<T> found = new ArrayList<>();
    TopicScan.scan(
        settings.kafka(),
        new TopicPartition(topic, written.path("partition").asInt()),
        offset,
        offset + 1,
        r -> found.add(reader.deserialize(topic, r.value())));
    assertThat(found).as(written.toString()).hasSize(1);
    return found.get(0);
  }
}
