package io.conclave.launcher.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.AgentProvider;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.launcher.cli.Progress;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.RedrivenStep;
import io.conclave.model.eventlog.AgentIds;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.Tally;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.conclave.worker.Agents;
import io.conclave.worker.OfflineAgent;
import io.conclave.worker.OfflineAgents;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An agent's history on a real broker and registry: its state as of any offset or time of its log
 * (time travel over HTTP) is the fold of its decisions up to there, snapshots or not; and a
 * recorded saga re-driven with the same or a new agent version says what changed, writing only to
 * the shadow topic.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentHistoryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TASKS = 8;

  private ConclaveSettings settings;
  private InProcessConclave conclave;
  private StackClient client;
  private Http http;

  @BeforeAll
  void runSomeSagas(ConclaveStack stack) throws Exception {
    settings = stack.isolated("history").withSnapshotEvery(3);
    conclave = InProcessConclave.with(settings).workers(1).start();
    client = conclave.client();
    http = conclave.http();
    for (int i = 0; i < TASKS; i++) {
      assertThat(
              http.postJson(
                      "/tasks", "{\"taskId\":\"h-" + i + "\",\"prompt\":\"question " + i + "\"}")
                  .statusCode())
          .isEqualTo(202);
    }
    for (int i = 0; i < TASKS; i++) {
      http.awaitTaskStatus("h-" + i, "COMPLETED");
    }
  }

  @AfterAll
  void stop() throws Exception {
    conclave.close();
  }

  /** The agent whose log is the longest: the research agent of the busiest partition. */
  private String busiestResearchAgent() {
    String best = null;
    int most = -1;
    for (int p = 0; p < settings.partitions(); p++) {
      int n = client.decisionsOf(AgentIds.of("research", p)).size();
      if (n > most) {
        most = n;
        best = AgentIds.of("research", p);
      }
    }
    return best;
  }

  private static <S> String foldToJson(StateFold<S> fold, List<Decision> decisions)
      throws Exception {
    S state = fold.initial();
    for (Decision d : decisions) {
      state = fold.apply(state, d);
    }
    return JSON.readTree(fold.encode(state)).toString();
  }

  private JsonNode state(String query) throws Exception {
    HttpResponse<String> r = http.get(query);
    assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void theStateAsOfEveryOffsetIsTheFoldOfTheDecisionsUpToIt() throws Exception {
    // given
    String agentId = busiestResearchAgent();
    List<StackClient.Logged> log = client.decisionsOf(agentId);
    assertThat(log.size())
        .as("enough decisions for several snapshots")
        .isGreaterThan(3 * settings.snapshotEvery());

    // when / then: at each of the agent's records, and just before it
    boolean snapshotUsed = false;
    for (StackClient.Logged record : log) {
      for (long offset : List.of(record.offset() - 1, record.offset())) {
        if (offset < 0) {
          continue;
        }
        if (offset < log.get(0).offset()) {
          assertThat(http.get("/agents/" + agentId + "/state?atOffset=" + offset).statusCode())
              .isEqualTo(404);
          continue;
        }
        List<Decision> upTo =
            log.stream()
                .filter(l -> l.offset() <= offset)
                .map(StackClient.Logged::decision)
                .toList();
        JsonNode answer = state("/agents/" + agentId + "/state?atOffset=" + offset);
        assertThat(answer.get("state").toString())
            .as("at offset " + offset)
            .isEqualTo(foldToJson(OfflineAgent.FOLD, upTo));
        assertThat(answer.get("lastSequence").asLong()).isEqualTo(upTo.size() - 1);
        assertThat(answer.get("fold").asText()).isEqualTo(OfflineAgent.FOLD.id());
        assertThat(answer.get("gaps").asLong()).isZero();
        snapshotUsed |= answer.hasNonNull("snapshot");
      }
    }
    assertThat(snapshotUsed).as("some answers started from a snapshot").isTrue();

    // ... and now is the end of the log, as is any offset past it
    JsonNode now = state("/agents/" + agentId + "/state");
    assertThat(state("/agents/" + agentId + "/state?atOffset=" + Long.MAX_VALUE).get("state"))
        .isEqualTo(now.get("state"));
    assertThat(now.get("state").toString())
        .isEqualTo(
            foldToJson(OfflineAgent.FOLD, log.stream().map(StackClient.Logged::decision).toList()));
    assertThat(now.get("state").get("steps").asLong())
        .isEqualTo(log.stream().filter(l -> l.decision().kind().equals("STEP_RESULT")).count());
  }

  @Test
  void theStateAtATimeIsTheFoldOfTheDecisionsWrittenByThen() throws Exception {
    // given
    String agentId = busiestResearchAgent();
    List<StackClient.Logged> log = client.decisionsOf(agentId);

    // when / then: at the time each record was written
    for (StackClient.Logged record : log) {
      Instant at = record.timestamp();
      List<Decision> byThen =
          log.stream()
              .filter(l -> !l.timestamp().isAfter(at))
              .map(StackClient.Logged::decision)
              .toList();
      JsonNode answer = state("/agents/" + agentId + "/state?at=" + at);
      assertThat(answer.get("state").toString())
          .as("at " + at)
          .isEqualTo(foldToJson(OfflineAgent.FOLD, byThen));
      assertThat(Instant.parse(answer.get("at").asText())).isEqualTo(at);
    }
  }

  @Test
  void aPlannerHasTheTallyOfItsDecisions() throws Exception {
    // given
    int shard = Partitioning.of("h-0", settings.partitions());
    String planner = AgentIds.of("planner", shard);
    List<Decision> plans =
        client.decisionsOf(planner).stream().map(StackClient.Logged::decision).toList();

    // when
    JsonNode answer = state("/agents/" + planner + "/state");

    // then
    assertThat(answer.get("fold").asText()).isEqualTo(Tally.FOLD.id());
    assertThat(answer.get("state").get("PLAN").asLong()).isEqualTo(plans.size());
  }

  @Test
  void badQueriesAreRefusedWithAReason() throws Exception {
    assertThat(http.get("/agents/research-0/state?atOffset=-1").statusCode()).isEqualTo(400);
    assertThat(http.get("/agents/research-0/state?atOffset=abc").body()).contains("atOffset");
    assertThat(http.get("/agents/research-0/state?at=yesterday").body()).contains("ISO-8601");
    assertThat(http.get("/agents/research-0/state?at=%2B1000000000-12-31T23:59:59Z").body())
        .contains("epoch milliseconds");
    assertThat(http.get("/agents/research-0/state?at=2026-01-01T00:00:00Z&atOffset=3").statusCode())
        .isEqualTo(400);
    HttpResponse<String> noInstance = http.get("/agents/research/state");
    assertThat(noInstance.statusCode()).isEqualTo(400);
    assertThat(noInstance.body()).contains("<agentType>-<instance>");
    assertThat(http.get("/agents/nobody-7/state").statusCode()).isEqualTo(404);
  }

  @Test
  void aSagaReDrivenWithTheSameAgentsEndsAsRecordedAndWritesOnlyToTheShadowTopic()
      throws Exception {
    // given
    long decisionsBefore = count(settings.topics().decisions());
    long commandsBefore = countCommands();

    // when
    List<RedrivenStep> steps =
        RedriveCommand.redrive(
                settings,
                "saga-h-3",
                Optional.empty(),
                Agents.fromClassPath().withOfflineAgents(),
                "same-1",
                Clock.tickMillis(ZoneOffset.UTC),
                Progress.silent(),
                step -> {})
            .steps();

    // then
    assertThat(steps).hasSize(3);
    assertThat(steps)
        .allSatisfy(
            s -> {
              assertThat(s.outcome()).as(s.toString()).isEqualTo(RedrivenStep.Outcome.SAME);
              assertThat(s.modelCalls()).isEqualTo(1);
              assertThat(s.promptMismatches()).isZero();
            });
    assertThat(shadow("same-1")).extracting(RedrivenStep::stepIndex).containsExactly(0, 1, 2);
    assertThat(count(settings.topics().decisions())).isEqualTo(decisionsBefore);
    assertThat(countCommands()).isEqualTo(commandsBefore);
  }

  @Test
  void theCliReDrivesASagaAndAnswersItsReportsAsJsonWithEachStepOnStandardError() throws Exception {
    // when
    Cli.Result json = Cli.run(settings, "redrive", "h-2", "--offline-agents", "--json");
    Cli.Result quiet =
        Cli.run(
            settings,
            "redrive",
            "saga-h-4",
            "--agent-type",
            "analysis",
            "--offline-agents",
            "--quiet");

    // then
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.out()).hasSize(1);
    JsonNode done = JSON.readTree(json.out().get(0));
    String redriveId = done.path("redriveId").asText();
    assertThat(done.path("sagaId").asText()).isEqualTo("saga-h-2");
    assertThat(done.path("shadowTopic").asText()).isEqualTo(settings.topics().shadow());
    assertThat(done.path("same").asInt()).isEqualTo(3);
    assertThat(done.path("steps"))
        .hasSize(3)
        .allSatisfy(
            step -> {
              assertThat(step.path("redriveId").asText()).isEqualTo(redriveId);
              assertThat(step.path("outcome").asText()).isEqualTo("SAME");
              assertThat(step.path("redrivenOutput").asText())
                  .isEqualTo(step.path("recordedOutput").asText())
                  .isNotBlank();
              assertThat(step.path("error").isNull()).as(step.toString()).isTrue();
            });
    List<RedrivenStep> shadow = shadow(redriveId);
    assertThat(shadow).extracting(RedrivenStep::stepIndex).containsExactly(0, 1, 2);
    assertThat(done.path("steps").get(1).path("agentId").asText())
        .isEqualTo(shadow.get(1).agentId());
    assertThat(json.err().lines().filter(l -> l.startsWith("redrive: ")))
        .containsExactly(
            "redrive: re-running step 0 (research), 1 of 3",
            "redrive: re-running step 1 (analysis), 2 of 3",
            "redrive: re-running step 2 (write), 3 of 3");
    assertThat(quiet.exitCode()).as(quiet.err()).isZero();
    assertThat(quiet.err()).doesNotContain("redrive: ");
    assertThat(quiet.out()).hasSize(2);
    assertThat(quiet.out().get(0)).startsWith("step 1 (analysis-").endsWith("): SAME");
    assertThat(quiet.out().get(1))
        .startsWith("1 of 1 steps as recorded; reports on " + settings.topics().shadow());
  }

  @Test
  void aNewAgentVersionIsReDrivenOverTheRecordingAndItsChangesShow() throws Exception {
    // given: a new version of the analysis agent, which answers otherwise and wants to send an
    // e-mail
    AgentProvider v2 =
        new AgentProvider() {
          @Override
          public Optional<Agent<?>> agent(String agentType) {
            return agentType.equals("analysis") ? Optional.of(new AnalysisV2()) : Optional.empty();
          }
        };
    Agents agents = new Agents(List.of(v2, new OfflineAgents()));

    // when: only the analysis step is re-driven
    List<RedrivenStep> steps =
        RedriveCommand.redrive(
                settings,
                "h-5",
                Optional.of("analysis"),
                agents,
                "v2-1",
                Clock.tickMillis(ZoneOffset.UTC),
                Progress.silent(),
                step -> {})
            .steps();

    // then
    assertThat(steps).hasSize(1);
    RedrivenStep step = steps.get(0);
    assertThat(step.stepIndex()).isEqualTo(1);
    assertThat(step.outcome()).isEqualTo(RedrivenStep.Outcome.DIFFERENT);
    assertThat(step.redrivenOutput().orElseThrow()).startsWith("v2 after ").contains("answer ");
    assertThat(step.promptMismatches()).isEqualTo(1);
    assertThat(step.skippedEffects()).containsExactly("notify the analyst");
    assertThat(shadow("v2-1")).containsExactly(step);
  }

  /** A second version of the analysis agent: another prompt, another output, and a side effect. */
  private static final class AnalysisV2 implements Agent<OfflineAgent.Memory> {
    @Override
    public String type() {
      return "analysis";
    }

    @Override
    public StateFold<OfflineAgent.Memory> fold() {
      return OfflineAgent.FOLD;
    }

    @Override
    public StepResult act(StepRequest request, AgentContext<OfflineAgent.Memory> context) {
      String answer = context.llm().complete("v2: " + request.input());
      context.sideEffect(
          "notify the analyst",
          () -> {
            throw new AssertionError("a side effect ran during a re-drive");
          });
      return new StepResult.Completed(
          "v2 after " + context.log().state().steps() + " steps: " + answer);
    }
  }

  private List<RedrivenStep> shadow(String redriveId) {
    return client
        .all(
            settings.topics().shadow(),
            settings.partitions(),
            client.serdes().redrivenStep().deserializer())
        .stream()
        .filter(s -> s.redriveId().equals(redriveId))
        .toList();
  }

  private long countCommands() {
    long n = 0;
    for (String type : settings.agentTypes()) {
      n += count(settings.topics().commands(type));
    }
    return n;
  }

  /** How many records the topic holds, tombstones included. */
  private long count(String topic) {
    long[] n = {0};
    try (TopicScan scan = new TopicScan(settings.kafka())) {
      for (int p = 0; p < settings.partitions(); p++) {
        scan.scan(new TopicPartition(topic, p), 0, -1, r -> n[0]++);
      }
    }
    return n[0];
  }
}
