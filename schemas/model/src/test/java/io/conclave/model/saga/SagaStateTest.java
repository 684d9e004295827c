package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaState.CompensationStatus;
import io.conclave.model.saga.SagaState.Status;
import io.conclave.model.saga.SagaState.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fold of a saga's events: idempotent, first outcome wins, statuses, deadlines, compensation
 * progress.
 */
class SagaStateTest {
  private static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");
  private static final LeaderStamp LEADER = new LeaderStamp(1, 4);
  private static final StepPolicy TEN_SECONDS =
      StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(10));

  /** research; analysis ∥ fact-check (no compensation); editor approval; write. */
  private static final List<SagaStep> PLAN =
      List.of(
          new SagaStep("research", "gather", "", "discard", false, TEN_SECONDS),
          new SagaStep("analysis", "analyze", "", "retract", false, TEN_SECONDS),
          new SagaStep("fact-check", "verify", "", "", true, StepPolicy.DEFAULT),
          SagaStep.approval("editor", StepPolicy.DEFAULT.withTimeout(Duration.ofHours(4))),
          new SagaStep("write", "draft", "", "unpublish", false, TEN_SECONDS));

  /** Histories covering every kind of event, as the saga's partition would hold them. */
  static Stream<List<SagaEvent>> histories() {
    return Stream.of(completedHistory(), compensatedHistory(), parkedHistory());
  }

  static List<SagaEvent> completedHistory() {
    return List.of(
        started(),
        completed(0, 1),
        completed(2, 2),
        completed(1, 3),
        joined(1, 4),
        new SagaEvent.ApprovalRequested("saga-1", "task-1", 3, at(4)),
        new SagaEvent.ApprovalDecided("saga-1", "task-1", 3, true, "ana", "", at(5)),
        new SagaEvent.ApprovalDecided("saga-1", "task-1", 3, false, "bob", "too late", at(6)),
        completed(3, 7),
        completed(4, 8),
        new SagaEvent.Completed("saga-1", "task-1", 6, at(9)));
  }

  /**
   * Analysis fails; fact-check (nothing to undo) completes; analysis's undo fails once, then
   * everything is undone.
   */
  static List<SagaEvent> compensatedHistory() {
    return List.of(
        started(),
        completed(0, 1),
        failed(1, 2),
        completed(2, 3),
        joined(1, 4),
        compensationFailed(1, 1, 5),
        retried(1, 2, 6),
        compensated(1, 7),
        compensated(0, 8),
        aborted(9));
  }

  /** Write fails after the approval; its undo is parked; the rest is undone. */
  static List<SagaEvent> parkedHistory() {
    return List.of(
        started(),
        completed(0, 1),
        completed(1, 2),
        completed(2, 2),
        joined(1, 3),
        completed(3, 4),
        failed(4, 5),
        compensationFailed(4, 1, 6),
        retried(4, 2, 7),
        compensationFailed(4, 2, 8),
        retried(4, 3, 9),
        compensationFailed(4, 3, 10),
        new SagaEvent.CompensationParked(
            "saga-1", "task-1", 4, "write", 3, "undo 4 failed", at(11)),
        compensated(1, 12),
        compensated(0, 13),
        aborted(14));
  }

  @ParameterizedTest
  @MethodSource("histories")
  void applyingAnyEventTwiceIsApplyingItOnce(List<SagaEvent> history) {
    // given: every state along the history
    SagaState state = SagaState.empty("saga-1", "task-1");
    List<SagaState> states = new ArrayList<>();
    for (SagaEvent e : history) {
      states.add(state);
      state = state.apply(e);
    }
    states.add(state);

    // when / then: any event of the history, redelivered at any point, counts once
    for (SagaState s : states) {
      for (SagaEvent e : history) {
        assertThat(s.apply(e).apply(e)).as("%s applied twice to %s", e, s).isEqualTo(s.apply(e));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("histories")
  void aRedeliveredPrefixChangesNothing(List<SagaEvent> history) {
    // given
    SagaState once = SagaState.of(history);

    // when: at every point, every event before it comes again (a consumer that restarts from an
    // older offset)
    for (int k = 1; k <= history.size(); k++) {
      List<SagaEvent> replayed = new ArrayList<>(history.subList(0, k));
      replayed.addAll(history.subList(0, k));
      replayed.addAll(history.subList(k, history.size()));

      // then
      assertThat(SagaState.of(replayed)).as("prefix of %s replayed", k).isEqualTo(once);
    }
  }

  @Test
  void theFirstOutcomeOfAStepWins() {
    // given
    SagaState failed = SagaState.of(List.of(started(), failed(0, 1)));
    SagaState done = SagaState.of(List.of(started(), completed(0, 1)));

    // when: a late worker, or the leader's deadline, reports the other outcome
    SagaState lateCompletion = failed.apply(completed(0, 2));
    SagaState lateFailure = done.apply(failed(0, 2));

    // then
    assertThat(lateCompletion).isEqualTo(failed);
    assertThat(lateCompletion.steps().get(0).error()).isEqualTo("boom 0");
    assertThat(lateCompletion.compensationOrder()).containsExactly(0);
    assertThat(lateFailure).isEqualTo(done);
    assertThat(lateFailure.steps().get(1).status())
        .as("the next stage was dispatched")
        .isEqualTo(StepStatus.RUNNING);
  }

  @Test
  void statusesFollowTheSaga() {
    // given
    List<SagaEvent> completed = completedHistory();
    List<SagaEvent> compensated = compensatedHistory();
    List<SagaEvent> parked = parkedHistory();

    // when / then
    assertThat(SagaState.empty("saga-1", "task-1").isStarted()).isFalse();
    assertThat(fold(completed, 1).status()).isEqualTo(Status.RUNNING);
    assertThat(fold(completed, 5).status())
        .as("only the approval waits")
        .isEqualTo(Status.AWAITING_APPROVAL);
    assertThat(fold(completed, 9).steps().get(4).status()).isEqualTo(StepStatus.RUNNING);
    assertThat(fold(completed, 9).status()).isEqualTo(Status.RUNNING);
    assertThat(SagaState.of(completed).status()).isEqualTo(Status.COMPLETED);
    assertThat(SagaState.of(completed).endedAt()).isEqualTo(at(9));

    assertThat(fold(compensated, 3).status())
        .as("a branch failed, the other runs")
        .isEqualTo(Status.RUNNING);
    assertThat(fold(compensated, 5).status()).isEqualTo(Status.COMPENSATING);
    assertThat(SagaState.of(compensated).status()).isEqualTo(Status.COMPENSATED);
    assertThat(SagaState.of(compensated).reason())
        .as("in the decider's words")
        .startsWith("step 1 (")
        .endsWith(") failed: boom 1");

    assertThat(SagaState.of(parked).status()).isEqualTo(Status.FAILED);
    assertThat(SagaState.of(parked).status().isFinished()).isTrue();
  }

  @Test
  void aStepGetsItsDeadlineWhenItsStageIsDispatched() {
    // given
    List<SagaEvent> history = completedHistory();

    // when
    SagaState atStart = fold(history, 1);
    SagaState afterResearch = fold(history, 2);
    SagaState afterJoin = fold(history, 5);
    SagaState afterApproval = fold(history, 9);

    // then: from the start, the step completion of the stage before, the join, the approval's
    // completion
    assertThat(atStart.steps().get(0).dispatchedAt()).isEqualTo(T0);
    assertThat(atStart.steps().get(0).deadline()).isEqualTo(T0.plusSeconds(10));
    assertThat(atStart.steps().get(1).status()).isEqualTo(StepStatus.PENDING);
    assertThat(atStart.steps().get(1).deadline()).isNull();

    assertThat(afterResearch.steps().get(1).deadline()).isEqualTo(at(1).plusSeconds(10));
    assertThat(afterResearch.steps().get(2).dispatchedAt()).isEqualTo(at(1));
    assertThat(afterResearch.steps().get(2).deadline()).as("no timeout").isNull();

    assertThat(afterJoin.steps().get(3).status()).isEqualTo(StepStatus.AWAITING_APPROVAL);
    assertThat(afterJoin.steps().get(3).deadline()).isEqualTo(at(4).plus(Duration.ofHours(4)));
    assertThat(afterApproval.steps().get(3).approval())
        .isEqualTo(new SagaState.Approval(true, "ana", "", at(5)));
    assertThat(afterApproval.steps().get(4).deadline()).isEqualTo(at(7).plusSeconds(10));
  }

  @Test
  void aParallelStageMovesOnOnlyWhenTheLeaderJoinsIt() {
    // given
    List<SagaEvent> history = completedHistory();

    // when
    SagaState bothBranchesDone = fold(history, 4);
    SagaState joined = fold(history, 5);

    // then
    assertThat(bothBranchesDone.steps().get(3).status()).isEqualTo(StepStatus.PENDING);
    assertThat(joined.joined()).containsExactly(1);
    assertThat(joined.steps().get(3).status()).isEqualTo(StepStatus.AWAITING_APPROVAL);
  }

  @Test
  void compensationsRunOneAfterTheOtherInReverseOrder() {
    // given: write fails after everything else completed
    List<SagaEvent> history = parkedHistory();

    // when
    SagaState failed = fold(history, 7);
    SagaState firstFailure = fold(history, 8);
    SagaState retried = fold(history, 9);
    SagaState parked = fold(history, 13);
    SagaState analysisUndone = fold(history, 14);
    SagaState end = SagaState.of(history);

    // then: fact-check and the approval have nothing to undo
    assertThat(failed.compensationOrder()).containsExactly(4, 1, 0);
    assertThat(compensations(failed))
        .containsExactly(
            CompensationStatus.PENDING,
            CompensationStatus.PENDING,
            CompensationStatus.NONE,
            CompensationStatus.NONE,
            CompensationStatus.RUNNING);
    assertThat(failed.steps().get(4).compensationAttempt()).isEqualTo(1);

    assertThat(firstFailure.steps().get(4).compensation()).isEqualTo(CompensationStatus.FAILED);
    assertThat(firstFailure.steps().get(4).compensationError()).isEqualTo("undo 4 failed at 1");
    assertThat(retried.steps().get(4).compensation()).isEqualTo(CompensationStatus.RUNNING);
    assertThat(retried.steps().get(4).compensationAttempt()).isEqualTo(2);
    assertThat(retried.apply(compensationFailed(4, 1, 20)))
        .as("a late failure of an older attempt")
        .isEqualTo(retried);

    assertThat(compensations(parked))
        .containsExactly(
            CompensationStatus.PENDING,
            CompensationStatus.RUNNING,
            CompensationStatus.NONE,
            CompensationStatus.NONE,
            CompensationStatus.PARKED);
    assertThat(compensations(analysisUndone))
        .containsExactly(
            CompensationStatus.RUNNING,
            CompensationStatus.DONE,
            CompensationStatus.NONE,
            CompensationStatus.NONE,
            CompensationStatus.PARKED);
    assertThat(compensations(end))
        .containsExactly(
            CompensationStatus.DONE,
            CompensationStatus.DONE,
            CompensationStatus.NONE,
            CompensationStatus.NONE,
            CompensationStatus.PARKED);
    assertThat(end.steps().get(4).compensationAttempt()).isEqualTo(3);
  }

  @Test
  void nothingChangesAfterTheEnd() {
    // given
    SagaState end = SagaState.of(compensatedHistory());

    // when / then
    assertThat(
            end.apply(completed(4, 30))
                .apply(failed(2, 31))
                .apply(compensationFailed(0, 2, 32))
                .apply(
                    new SagaEvent.ApprovalDecided("saga-1", "task-1", 3, true, "ana", "", at(33))))
        .isEqualTo(end);
  }

  @Test
  void theSlipOfAStateKnowsEveryOutcome() {
    // given
    SagaState state = fold(compensatedHistory(), 4);

    // when
    RoutingSlip slip = state.slip();

    // then
    assertThat(slip.steps()).isEqualTo(PLAN);
    assertThat(slip.prompt()).isEqualTo("the prompt");
    assertThat(slip.outputs()).containsOnlyKeys(0, 2);
    assertThat(slip.failures()).containsEntry(1, "boom 1").hasSize(1);
  }

  @Test
  void aRebuildThatBeganAfterTheStartIgnoresEverythingButTheEnd() {
    // given: a projection that missed the Started event (the topic was compacted, or it started
    // late)
    SagaState blind =
        SagaState.empty("saga-1", "task-1").apply(completed(0, 1)).apply(failed(1, 2));

    // when
    SagaState ended = blind.apply(aborted(3));

    // then
    assertThat(blind).isEqualTo(SagaState.empty("saga-1", "task-1"));
    assertThat(ended.status()).isEqualTo(Status.COMPENSATED);
  }

  private static SagaState fold(List<SagaEvent> history, int count) {
    return SagaState.of(history.subList(0, count));
  }

  private static List<CompensationStatus> compensations(SagaState s) {
    return s.steps().stream().map(SagaState.StepState::compensation).toList();
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static SagaEvent started() {
    return new SagaEvent.Started("saga-1", "task-1", 0, PLAN, "the prompt", LEADER, T0);
  }

  private static SagaEvent completed(int step, int at) {
    return new SagaEvent.StepCompleted(
        "saga-1",
        "task-1",
        SagaEvent.Seq.step(step),
        step,
        PLAN.get(step).agentType(),
        "output of " + step,
        at(at));
  }

  private static SagaEvent failed(int step, int at) {
    return new SagaEvent.StepFailed(
        "saga-1",
        "task-1",
        SagaEvent.Seq.step(step),
        step,
        PLAN.get(step).agentType(),
        "boom " + step,
        at(at));
  }

  private static SagaEvent joined(int step, int at) {
    return new SagaEvent.Joined("saga-1", "task-1", step, at(at));
  }

  private static SagaEvent compensated(int step, int at) {
    return new SagaEvent.Compensated(
        "saga-1",
        "task-1",
        SagaEvent.Seq.compensated(PLAN.size(), step),
        step,
        PLAN.get(step).agentType(),
        at(at));
  }

  private static SagaEvent compensationFailed(int step, int attempt, int at) {
    return new SagaEvent.CompensationFailed(
        "saga-1",
        "task-1",
        step,
        PLAN.get(step).agentType(),
        attempt,
        "undo " + step + " failed at " + attempt,
        at(at));
  }

  private static SagaEvent retried(int step, int attempt, int at) {
    return new SagaEvent.CompensationRetried(
        "saga-1", "task-1", step, PLAN.get(step).agentType(), attempt, at(at));
  }

  private static SagaEvent aborted(int at) {
    return new SagaEvent.Aborted(
        "saga-1", "task-1", SagaEvent.Seq.end(PLAN.size()), "step failed", at(at));
  }
}
