package io.conclave.launcher.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.faults.ChaosChecker.History;
import io.conclave.launcher.faults.ChaosChecker.Violation;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.worker.StepEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each invariant of the chaos checker catches a history that breaks it, and a clean history passes.
 */
class ChaosCheckerTest {
  private static final Instant AT = Instant.parse("2026-12-03T03:00:00Z");
  private static final List<SagaStep> PLAN =
      List.of(
          new SagaStep("research", "gather", "", "forget"),
          new SagaStep("analysis", "analyze", "", "discard"));

  /**
   * A task t-1 whose two-step saga completed under shard 0's leader at epoch 1, and what the topics
   * hold of it.
   */
  private final List<SagaEvent> events =
      new ArrayList<>(
          List.of(
              new SagaEvent.Started("saga-t-1", "t-1", 0, PLAN, "q", new LeaderStamp(0, 1), AT),
              new SagaEvent.StepCompleted("saga-t-1", "t-1", 1, 0, "research", "r", AT),
              new SagaEvent.StepCompleted("saga-t-1", "t-1", 2, 1, "analysis", "a", AT),
              new SagaEvent.Completed("saga-t-1", "t-1", 3, AT)));

  private final List<Decision> decisions =
      new ArrayList<>(
          List.of(
              decision("planner-0", 0, "PLAN", Optional.empty(), Optional.of(1L)),
              decision(
                  "research-0", 0, StepEngine.RESULT_DECISION, Optional.of(0), Optional.empty()),
              decision(
                  "analysis-0", 0, StepEngine.RESULT_DECISION, Optional.of(1), Optional.empty())));
  private final List<LeaderElected> leaders =
      new ArrayList<>(List.of(new LeaderElected(0, 1, "coordinator-100-a", "host", AT)));
  private final Set<String> accepted = new java.util.HashSet<>(Set.of("t-1"));
  private final Map<String, Optional<String>> projected =
      new HashMap<>(Map.of("t-1", Optional.of("COMPLETED")));

  @Test
  void aCleanHistoryHasNoViolation() {
    assertThat(check()).isEmpty();
    assertThat(ChaosChecker.counts(check()))
        .hasSize(ChaosChecker.Invariant.values().length)
        .containsValue(0L)
        .doesNotContainValue(1L);
  }

  @Test
  void anAcceptedTaskWithoutASagaIsCaught() {
    accepted.add("t-2");
    assertThat(check()).containsExactly(new Violation.SagaCount("t-2", 0));
  }

  @Test
  void aTaskWithTwoSagasIsCaught() {
    events.add(new SagaEvent.Started("saga-t-1", "t-1", 0, PLAN, "q", new LeaderStamp(0, 1), AT));
    assertThat(check()).containsExactly(new Violation.SagaCount("t-1", 2));
  }

  @Test
  void aSagaThatDidNotEndCompletedOrCompensatedIsCaught() {
    events.remove(3);
    projected.put("t-1", Optional.of("RUNNING"));
    assertThat(check())
        .containsExactly(new Violation.NotEnded("saga-t-1", SagaState.Status.RUNNING));
  }

  @Test
  void aStepEffectCommittedTwiceIsCaught() {
    decisions.add(
        decision("research-0", 1, StepEngine.RESULT_DECISION, Optional.of(0), Optional.empty()));
    assertThat(check())
        .containsExactly(
            new Violation.EffectRepeated("saga-t-1", 0, StepEngine.RESULT_DECISION, 2));
  }

  @Test
  void aStepCompletedTwiceInTheSagaIsCaught() {
    events.add(2, new SagaEvent.StepCompleted("saga-t-1", "t-1", 1, 0, "research", "r", AT));
    assertThat(check())
        .containsExactly(new Violation.EffectRepeated("saga-t-1", 0, "StepCompleted", 2));
  }

  @Test
  void aGapInAnAgentsDecisionsIsCaught() {
    decisions.add(decision("analysis-0", 2, "NOTE", Optional.empty(), Optional.empty()));
    assertThat(check()).containsExactly(new Violation.SequenceBroken("analysis-0", 1, 2));
  }

  @Test
  void aRepeatedDecisionNumberIsCaught() {
    decisions.add(decision("analysis-0", 0, "NOTE", Optional.empty(), Optional.empty()));
    assertThat(check()).containsExactly(new Violation.SequenceBroken("analysis-0", 1, 0));
  }

  @Test
  void twoMembersAnnouncingOneEpochAreCaught() {
    leaders.add(new LeaderElected(0, 1, "coordinator-200-b", "host", AT));
    assertThat(check())
        .singleElement()
        .isInstanceOf(Violation.SplitLeadership.class)
        .extracting(v -> ((Violation.SplitLeadership) v).epoch())
        .isEqualTo(1L);
  }

  @Test
  void aWriteUnderAnEpochNobodyAnnouncedIsCaught() {
    decisions.add(decision("planner-0", 1, "PLAN", Optional.empty(), Optional.of(7L)));
    assertThat(check())
        .singleElement()
        .isEqualTo(
            new Violation.SplitLeadership(
                0, 7, "planner-0 decision 1 under an epoch nobody announced"));
  }

  @Test
  void anOldLeaderWritingAfterItsSuccessorIsCaught() {
    leaders.add(new LeaderElected(0, 2, "coordinator-200-b", "host", AT));
    decisions.add(decision("planner-0", 1, "PLAN", Optional.empty(), Optional.of(2L)));
    decisions.add(decision("planner-0", 2, "PLAN", Optional.empty(), Optional.of(1L)));
    assertThat(check())
        .singleElement()
        .isEqualTo(
            new Violation.SplitLeadership(
                0, 1, "planner-0 decision 2 written after one of epoch 2"));
  }

  @Test
  void aProjectionThatIsNotTheFoldOfTheEventsIsCaught() {
    projected.put("t-1", Optional.of("RUNNING"));
    assertThat(check())
        .containsExactly(new Violation.ProjectionDiffers("t-1", "RUNNING", "COMPLETED"));
  }

  @Test
  void aTaskTheProjectionsDoNotKnowIsCaught() {
    projected.remove("t-1");
    assertThat(check())
        .containsExactly(new Violation.ProjectionDiffers("t-1", "none", "COMPLETED"));
  }

  private List<Violation> check() {
    return ChaosChecker.check(new History(accepted, events, decisions, leaders, projected));
  }

  private static Decision decision(
      String agentId, long seq, String kind, Optional<Integer> step, Optional<Long> epoch) {
    return new Decision(
        new DecisionKey(agentId, seq), Optional.of("saga-t-1"), step, kind, "payload", AT, epoch);
  }
}
