package io.conclave.projections.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import io.conclave.projections.runtime.ProjectionTopology;
import io.conclave.projections.runtime.TestTopologies;
import io.conclave.projections.sagas.SagaFold;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.topics.TopicNames;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The call ledger's totals are folded from the log: per agent instance from its {@code LLM_CALL}
 * decisions, per tenant from the settled steps of its sagas; a record read twice is counted once.
 */
class CallLedgerTopologyTest {
  private static final TopicNames TOPICS = new TopicNames("acme");
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final List<SagaStep> PLAN =
      List.of(
          new SagaStep("research", "gather", "q", "discard"),
          new SagaStep("analysis", "analyse", "q", "discard"));

  private static Decision call(
      String agentId, long sequence, long input, long output, long costMicros) {
    return decision(
        agentId,
        sequence,
        AgentLedger.CALL_KIND,
        "{\"prompt\":\"p\",\"answer\":\"a\",\"inputTokens\":"
            + input
            + ",\"outputTokens\":"
            + output
            + ",\"estimated\":false,\"costMicros\":"
            + costMicros
            + ",\"latencyMs\":3}");
  }

  private static Decision decision(String agentId, long sequence, String kind, String payload) {
    return new Decision(
        new DecisionKey(agentId, sequence),
        Optional.of("saga-t1"),
        Optional.of(0),
        kind,
        payload,
        T0.plusSeconds(sequence),
        Optional.empty(),
        Optional.of("gpt-test"));
  }

  private static SagaEvent.Started started(String taskId, String tenant) {
    return new SagaEvent.Started(
        "saga-" + taskId,
        taskId,
        SagaEvent.Seq.started(),
        PLAN,
        "p",
        new LeaderStamp(0, 1),
        T0,
        Spending.limited(tenant, 100_000));
  }

  private static SagaEvent.StepCompleted completed(
      String taskId, int step, long tokens, long costMicros) {
    return new SagaEvent.StepCompleted(
        "saga-" + taskId,
        taskId,
        SagaEvent.Seq.step(step),
        step,
        PLAN.get(step).agentType(),
        "out",
        T0.plusSeconds(step + 1),
        tokens,
        costMicros);
  }

  private static SagaEvent.StepFailed failed(
      String taskId, int step, long tokens, long costMicros) {
    return new SagaEvent.StepFailed(
        "saga-" + taskId,
        taskId,
        SagaEvent.Seq.step(step),
        step,
        PLAN.get(step).agentType(),
        "boom",
        T0.plusSeconds(step + 1),
        tokens,
        costMicros);
  }

  /**
   * Tenant acme: t1 fails its second step and compensates its first, t3 completes; tenant globex:
   * t2 completes.
   */
  private static List<SagaEvent> sagas() {
    List<SagaEvent> events = new ArrayList<>();
    events.add(started("t1", "acme"));
    events.add(completed("t1", 0, 1200, 4500));
    events.add(failed("t1", 1, 300, 100));
    events.add(
        new SagaEvent.Compensated(
            "saga-t1", "t1", SagaEvent.Seq.compensated(2, 0), 0, "research", T0.plusSeconds(5)));
    events.add(
        new SagaEvent.Aborted(
            "saga-t1", "t1", SagaEvent.Seq.end(2), "step 1 failed", T0.plusSeconds(6)));
    events.add(started("t2", "globex"));
    events.add(completed("t2", 0, 500, 50));
    events.add(completed("t2", 1, 0, 0));
    events.add(new SagaEvent.Completed("saga-t2", "t2", SagaEvent.Seq.end(2), T0.plusSeconds(4)));
    events.add(started("t3", "acme"));
    events.add(completed("t3", 0, 100, 10));
    return events;
  }

  @Test
  void theLedgerStoresSumTheCallsOfEachAgentAndTheSettledStepsOfEachTenantOnce(
      @TempDir Path stateDir) {
    var serdes = TestTopologies.serdes();

    try (var driver = TestTopologies.driver(TOPICS, serdes, stateDir)) {
      TestInputTopic<DecisionKey, Decision> decisions =
          driver.createInputTopic(
              TOPICS.decisions(),
              serdes.decisionKeys().serializer(),
              serdes.decisions().serializer());
      TestInputTopic<String, SagaEvent> sagaEvents =
          driver.createInputTopic(
              TOPICS.sagaEvents(), Serdes.String().serializer(), serdes.sagaEvents().serializer());
      var agentChangelog =
          driver.createOutputTopic(
              ProjectionTopology.applicationId(TOPICS)
                  + "-"
                  + LedgerStores.LEDGER_AGENTS
                  + "-changelog",
              Serdes.String().deserializer(),
              Serdes.ByteArray().deserializer());

      // when: two agents' logs, one call read twice (a redelivery) and decisions that are not calls
      List<Decision> research =
          List.of(
              call("research-0", 0, 1000, 200, 4500),
              decision("research-0", 1, "KNOWLEDGE", "{}"),
              decision("research-0", 2, "STEP_RESULT", "out"),
              call("research-0", 3, 250, 50, 100));
      research.forEach(d -> decisions.pipeInput(d.key(), d));
      decisions.pipeInput(research.get(0).key(), research.get(0));
      decisions.pipeInput(research.get(3).key(), research.get(3));
      decisions.pipeInput(new DecisionKey("analysis-1", 0), call("analysis-1", 0, 10, 20, 30));
      decisions.pipeInput(
          new DecisionKey("analysis-1", 1),
          decision("analysis-1", 1, AgentLedger.CALL_KIND, "erased"));
      decisions.pipeInput(new DecisionKey("planner-0", 0), decision("planner-0", 0, "PLAN", "[]"));
      // ... and the saga events of two tenants, all of them delivered twice
      List<SagaEvent> events = sagas();
      events.forEach(
          e -> sagaEvents.pipeInput(ConclaveRecords.sagaEventKey(e.sagaId(), e.seq()), e));
      events.forEach(
          e -> sagaEvents.pipeInput(ConclaveRecords.sagaEventKey(e.sagaId(), e.seq()), e));

      // then: per agent, each call once; an unreadable call counts as a call that spent nothing we
      // can read
      KeyValueStore<String, AgentLedger> agents =
          driver.getKeyValueStore(LedgerStores.LEDGER_AGENTS);
      assertThat(agents.get("research-0"))
          .isEqualTo(new AgentLedger("research-0", 1500, 4600, 2, 3));
      assertThat(agents.get("analysis-1")).isEqualTo(new AgentLedger("analysis-1", 30, 30, 2, 1));
      assertThat(agents.get("planner-0")).isNull();
      assertThat(agentChangelog.readValuesToList())
          .as("one write per call counted, none for a redelivery")
          .hasSize(4);
      // per tenant, each settled step once (t1's compensation carries no figures)
      KeyValueStore<String, TenantLedger> tenants =
          driver.getKeyValueStore(LedgerStores.LEDGER_TENANTS);
      assertThat(tenants.get("acme")).isEqualTo(new TenantLedger("acme", 1600, 4610, 3));
      assertThat(tenants.get("globex")).isEqualTo(new TenantLedger("globex", 500, 50, 2));
      assertThat(tenants.get(Spending.DEFAULT_TENANT)).isNull();
    }
  }

  @Test
  void aStepSettledBeforeItsSagasStartWasReadHasNoKnownTenantAndIsNotCounted() {
    // given: a rebuild from an offset after the saga's start
    SagaState before = SagaFold.apply(null, completed("t9", 0, 700, 70));

    // when, then
    assertThat(TenantLedger.settled(null, before)).isEmpty();
    SagaState startedLater = SagaFold.apply(before, started("t9", "acme"));
    assertThat(TenantLedger.settled(before, startedLater)).isEmpty();
  }

  @Test
  void onlyTheStepsThatFirstSettleWithAnEventAreCharged() {
    SagaState running = SagaFold.apply(null, started("t4", "acme"));
    SagaState settled = SagaFold.apply(running, completed("t4", 0, 40, 4));

    assertThat(TenantLedger.settled(null, running)).isEmpty();
    assertThat(TenantLedger.settled(running, settled)).contains(new TenantLedger("acme", 40, 4, 1));
    assertThat(TenantLedger.settled(settled, SagaFold.apply(settled, completed("t4", 0, 40, 4))))
        .isEmpty();
  }

  @Test
  void aDecisionAtOrBeforeTheLastCallCountedIsNotCountedAgain() {
    AgentLedger once = AgentLedger.count(null, call("research-0", 5, 1, 2, 3));

    assertThat(once).isEqualTo(new AgentLedger("research-0", 3, 3, 1, 5));
    assertThat(AgentLedger.count(once, call("research-0", 5, 1, 2, 3))).isSameAs(once);
    assertThat(AgentLedger.count(once, call("research-0", 4, 1, 2, 3))).isSameAs(once);
    assertThat(AgentLedger.count(once, decision("research-0", 6, "STEP_RESULT", "x")))
        .isSameAs(once);
    assertThat(AgentLedger.count(null, decision("research-0", 0, "STEP_RESULT", "x"))).isNull();
  }
}
