package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaState.CompensationStatus;
import io.conclave.model.saga.SagaState.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the shard leader does for a saga, and when: {@link SagaSupervisor#due} and {@link
 * SagaSupervisor#nextCheck}.
 */
class SagaSupervisorTest {
  private static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");
  private static final LeaderStamp LEADER = new LeaderStamp(2, 5);
  private static final Duration GRACE = Duration.ofSeconds(5);

  private static final SagaStep RESEARCH = new SagaStep("research", "gather", "", "discard");
  private static final SagaStep ANALYSIS = new SagaStep("analysis", "analyze", "", "retract");
  private static final SagaStep CHECK = new SagaStep("fact-check", "verify", "", "forget");
  private static final SagaStep WRITE = new SagaStep("write", "draft", "", "unpublish");

  @Test
  void aRunningStepIsFailedOnlyOnceItsDeadlineAndTheGraceHavePassed() {
    // given
    SagaState saga =
        start(RESEARCH.withPolicy(StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(30))), WRITE);
    Instant deadline = T0.plusSeconds(30);

    // when / then: the worker may still report until deadline + grace
    assertThat(SagaSupervisor.due(saga, deadline, GRACE, LEADER).isEmpty()).isTrue();
    assertThat(SagaSupervisor.due(saga, deadline.plus(GRACE), GRACE, LEADER).isEmpty()).isTrue();

    SagaMoves moves = SagaSupervisor.due(saga, deadline.plus(GRACE).plusNanos(1), GRACE, LEADER);
    assertThat(moves.events())
        .singleElement()
        .isInstanceOfSatisfying(
            SagaEvent.StepFailed.class,
            f -> {
              assertThat(f.stepIndex()).isZero();
              assertThat(f.error()).isEqualTo("deadline of 30 s exceeded");
            });
    // a step that failed may have half-happened: it is undone too
    assertThat(moves.compensations())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).isZero();
              assertThat(c.attempt()).isEqualTo(1);
              assertThat(c.origin()).isEqualTo(LEADER);
            });
  }

  @Test
  void withoutGraceAStepFailsAtOnceAfterItsDeadline() {
    // given
    SagaState saga =
        start(RESEARCH.withPolicy(StepPolicy.DEFAULT.withTimeout(Duration.ofMillis(1500))));

    // when / then
    assertThat(SagaSupervisor.due(saga, T0.plusMillis(1500), Duration.ZERO, LEADER).isEmpty())
        .isTrue();
    assertThat(
            SagaSupervisor.due(saga, T0.plusMillis(1500).plusNanos(1), Duration.ZERO, LEADER)
                .events())
        .singleElement()
        .isInstanceOfSatisfying(
            SagaEvent.StepFailed.class,
            f -> assertThat(f.error()).isEqualTo("deadline of 1500 ms exceeded"));
  }

  @Test
  void aStepWithoutDeadlineNeverTimesOut() {
    // given
    SagaState saga = start(RESEARCH);

    // when / then
    assertThat(SagaSupervisor.due(saga, T0.plus(Duration.ofDays(365)), GRACE, LEADER).isEmpty())
        .isTrue();
    assertThat(SagaSupervisor.nextCheck(saga, GRACE)).isNull();
  }

  @Test
  void anApprovalTimesOutAtItsDeadlineWithoutGraceAndIsNotUndone() {
    // given: research ran, then the editor has four hours
    SagaState saga =
        start(
            RESEARCH,
            SagaStep.approval("editor", StepPolicy.DEFAULT.withTimeout(Duration.ofHours(4))),
            WRITE);
    saga = saga.apply(completed(0, T0));
    Instant deadline = T0.plus(Duration.ofHours(4));

    // when / then: no grace: no worker is running it
    assertThat(SagaSupervisor.due(saga, deadline, GRACE, LEADER).isEmpty()).isTrue();
    assertThat(SagaSupervisor.nextCheck(saga, GRACE)).isEqualTo(deadline.plusNanos(1));

    SagaMoves moves = SagaSupervisor.due(saga, deadline.plusNanos(1), GRACE, LEADER);
    assertThat(moves.events())
        .singleElement()
        .isInstanceOfSatisfying(
            SagaEvent.StepFailed.class,
            f -> {
              assertThat(f.stepIndex()).isEqualTo(1);
              assertThat(f.error()).isEqualTo("no approval within 14400 s");
            });
    assertThat(moves.compensations())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).isZero();
              assertThat(c.remaining()).isEmpty();
            });
  }

  @Test
  void anApprovalIsCarriedOutAtOnceAndTheNextStageDispatched() {
    // given
    SagaState saga = start(SagaStep.approval("editor", StepPolicy.DEFAULT), WRITE);
    saga =
        saga.apply(
            new SagaEvent.ApprovalDecided(
                "saga-1", "task-1", 0, true, "ana", "fine", T0.plusSeconds(9)));

    // when
    SagaMoves moves = SagaSupervisor.due(saga, T0.plusSeconds(10), GRACE, LEADER);

    // then
    assertThat(moves.events())
        .singleElement()
        .isInstanceOfSatisfying(
            SagaEvent.StepCompleted.class,
            c -> assertThat(c.output()).isEqualTo("approved by ana: fine"));
    assertThat(moves.commands())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).isEqualTo(1);
              assertThat(c.slip().outputs()).containsEntry(0, "approved by ana: fine");
            });
    assertThat(SagaSupervisor.due(fold(saga, moves), T0.plusSeconds(10), GRACE, LEADER).isEmpty())
        .isTrue();
  }

  @Test
  void aRejectionFailsTheApprovalAndUndoesWhatRanBefore() {
    // given
    SagaState saga =
        start(RESEARCH, ANALYSIS, SagaStep.approval("editor", StepPolicy.DEFAULT), WRITE);
    saga = saga.apply(completed(0, T0)).apply(completed(1, T0));
    saga =
        saga.apply(
            new SagaEvent.ApprovalDecided("saga-1", "task-1", 2, false, "ana", "off topic", T0));

    // when
    SagaMoves moves = SagaSupervisor.due(saga, T0.plusSeconds(1), GRACE, LEADER);

    // then
    assertThat(moves.events())
        .singleElement()
        .isInstanceOfSatisfying(
            SagaEvent.StepFailed.class,
            f -> assertThat(f.error()).isEqualTo("rejected by ana: off topic"));
    assertThat(moves.compensations())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).isEqualTo(1);
              assertThat(c.remaining()).containsExactly(0);
            });
  }

  @Test
  void aParallelStageIsJoinedOnceEveryBranchHasItsOutcome() {
    // given
    SagaState saga = start(RESEARCH, ANALYSIS, CHECK.inParallel(), WRITE);
    saga = saga.apply(completed(0, T0)).apply(completed(2, T0.plusSeconds(1)));

    // when / then: one branch is not a join
    assertThat(SagaSupervisor.due(saga, T0.plusSeconds(2), GRACE, LEADER).isEmpty()).isTrue();

    saga = saga.apply(completed(1, T0.plusSeconds(3)));
    SagaMoves join = SagaSupervisor.due(saga, T0.plusSeconds(4), GRACE, LEADER);
    assertThat(join.events())
        .containsExactly(new SagaEvent.Joined("saga-1", "task-1", 1, T0.plusSeconds(4)));
    assertThat(join.commands())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).isEqualTo(3);
              assertThat(c.input()).isEqualTo("output of 1\n\noutput of 2");
            });
    assertThat(SagaSupervisor.due(fold(saga, join), T0.plusSeconds(4), GRACE, LEADER).isEmpty())
        .isTrue();
  }

  @Test
  void theLeaderSettlingTheLastBranchOfAStageJoinsItOnce() {
    // given: the fact-check branch completed; the analysis branch is overdue
    SagaState saga =
        start(
            RESEARCH,
            ANALYSIS.withPolicy(StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(10))),
            CHECK.inParallel(),
            WRITE);
    saga = saga.apply(completed(0, T0)).apply(completed(2, T0));

    // when
    SagaMoves moves = SagaSupervisor.due(saga, T0.plusSeconds(20), GRACE, LEADER);

    // then: the outcome and the join go together, so the fold moves on and the join is not decided
    // again
    assertThat(moves.events()).hasSize(2);
    assertThat(moves.events().get(0)).isInstanceOf(SagaEvent.StepFailed.class);
    assertThat(moves.events().get(1))
        .isEqualTo(new SagaEvent.Joined("saga-1", "task-1", 1, T0.plusSeconds(20)));
    assertThat(moves.compensations())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).isEqualTo(2);
              assertThat(c.remaining()).containsExactly(1, 0);
            });
    SagaState after = fold(saga, moves);
    assertThat(after.status()).isEqualTo(Status.COMPENSATING);
    assertThat(SagaSupervisor.due(after, T0.plusSeconds(20), GRACE, LEADER).isEmpty()).isTrue();
  }

  @Test
  void aFailedCompensationIsRetriedAfterABackoffThatDoublesThenParked() {
    // given: write failed; research's compensation has four attempts, one second apart at first
    StepPolicy policy = StepPolicy.DEFAULT.withRetries(4, Duration.ofSeconds(1));
    SagaState saga = start(RESEARCH.withPolicy(policy), new SagaStep("write", "draft", "", ""));
    saga = saga.apply(completed(0, T0)).apply(failed(1, T0));
    assertThat(saga.compensationOrder()).containsExactly(0);

    // when / then: attempt n fails at t; attempt n + 1 goes out at t + 1 s, 2 s, 4 s
    Instant t = T0.plusSeconds(1);
    for (int attempt = 1; attempt < 4; attempt++) {
      saga = saga.apply(compensationFailed(0, attempt, t));
      Duration wait = Duration.ofSeconds(1L << (attempt - 1));
      assertThat(SagaSupervisor.nextCheck(saga, GRACE)).isEqualTo(t.plus(wait));
      assertThat(SagaSupervisor.due(saga, t.plus(wait).minusNanos(1), GRACE, LEADER).isEmpty())
          .isTrue();

      SagaMoves retry = SagaSupervisor.due(saga, t.plus(wait), GRACE, LEADER);
      int next = attempt + 1;
      assertThat(retry.events())
          .singleElement()
          .isInstanceOfSatisfying(
              SagaEvent.CompensationRetried.class, r -> assertThat(r.attempt()).isEqualTo(next));
      assertThat(retry.compensations())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.stepIndex()).isZero();
                assertThat(c.attempt()).isEqualTo(next);
                assertThat(c.idempotencyKey()).isEqualTo("saga-1/0/undo/" + next);
              });
      saga = fold(saga, retry);
      assertThat(saga.steps().get(0).compensation()).isEqualTo(CompensationStatus.RUNNING);
      t = t.plus(wait).plusMillis(300);
    }

    // the fourth attempt fails: parked at once, and with nothing before it the saga ends FAILED
    saga = saga.apply(compensationFailed(0, 4, t));
    SagaMoves park = SagaSupervisor.due(saga, t, GRACE, LEADER);
    assertThat(park.events()).hasSize(2);
    assertThat(park.events().get(0))
        .isInstanceOfSatisfying(
            SagaEvent.CompensationParked.class,
            p -> {
              assertThat(p.attempts()).isEqualTo(4);
              assertThat(p.error()).isEqualTo("undo 0 failed at 4");
            });
    assertThat(park.events().get(1)).isInstanceOf(SagaEvent.Aborted.class);
    assertThat(park.parked()).singleElement().satisfies(c -> assertThat(c.stepIndex()).isZero());
    SagaState end = fold(saga, park);
    assertThat(end.status()).isEqualTo(Status.FAILED);
    assertThat(SagaSupervisor.due(end, t.plus(Duration.ofHours(1)), GRACE, LEADER).isEmpty())
        .isTrue();
    assertThat(SagaSupervisor.nextCheck(end, GRACE)).isNull();
  }

  @Test
  void aParkedCompensationGoesOnWithTheStepsBeforeIt() {
    // given: one attempt allowed for analysis's compensation
    SagaState saga =
        start(
            RESEARCH,
            ANALYSIS.withPolicy(StepPolicy.DEFAULT.withRetries(1, Duration.ZERO)),
            new SagaStep("write", "draft", "", ""));
    saga = saga.apply(completed(0, T0)).apply(completed(1, T0)).apply(failed(2, T0));
    saga = saga.apply(compensationFailed(1, 1, T0));

    // when
    SagaMoves park = SagaSupervisor.due(saga, T0, GRACE, LEADER);

    // then
    assertThat(park.parked())
        .singleElement()
        .satisfies(c -> assertThat(c.stepIndex()).isEqualTo(1));
    assertThat(park.compensations())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).isZero();
              assertThat(c.remaining()).isEmpty();
              assertThat(c.attempt()).isEqualTo(1);
            });
    SagaState after = fold(saga, park);
    assertThat(after.steps().get(1).compensation()).isEqualTo(CompensationStatus.PARKED);
    assertThat(after.steps().get(0).compensation()).isEqualTo(CompensationStatus.RUNNING);
  }

  @Test
  void nextCheckIsTheEarliestInstantAtWhichSomethingIsDue() {
    // given: two branches with deadlines, an approval waiting in parallel with them
    SagaState saga =
        start(
            RESEARCH.withPolicy(StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(30))),
            ANALYSIS
                .withPolicy(StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(10)))
                .inParallel(),
            SagaStep.approval("editor", StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(12)))
                .inParallel());

    // when
    Instant first = SagaSupervisor.nextCheck(saga, GRACE);

    // then: the approval's deadline (12 s, no grace) comes before analysis's (10 s + 5 s of grace)
    assertThat(first).isEqualTo(T0.plusSeconds(12).plusNanos(1));
    assertThat(SagaSupervisor.due(saga, first.minusNanos(1), GRACE, LEADER).isEmpty()).isTrue();
    assertThat(SagaSupervisor.due(saga, first, GRACE, LEADER).events())
        .singleElement()
        .isInstanceOfSatisfying(
            SagaEvent.StepFailed.class, f -> assertThat(f.stepIndex()).isEqualTo(2));

    // and once the approval is decided, analysis's deadline plus grace is next
    SagaState decided = saga.apply(completed(2, T0.plusSeconds(11)));
    assertThat(SagaSupervisor.nextCheck(decided, GRACE)).isEqualTo(T0.plusSeconds(15).plusNanos(1));
    assertThat(SagaSupervisor.nextCheck(decided, Duration.ofSeconds(30)))
        .isEqualTo(T0.plusSeconds(40).plusNanos(1));
  }

  @Test
  void aFinishedSagaNeedsNothing() {
    // given
    SagaState saga =
        start(RESEARCH.withPolicy(StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(1))));
    SagaState done =
        saga.apply(completed(0, T0)).apply(new SagaEvent.Completed("saga-1", "task-1", 2, T0));

    // when / then
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(SagaSupervisor.due(done, T0.plusSeconds(60), GRACE, LEADER).isEmpty()).isTrue();
    assertThat(SagaSupervisor.nextCheck(done, GRACE)).isNull();
    assertThat(SagaSupervisor.due(SagaState.empty("saga-1", "task-1"), T0, GRACE, LEADER).isEmpty())
        .isTrue();
  }

  @Test
  void aStepForATypeWhoseBreakersAreAllOpenIsHeldAndSentOnceItTakesCallsAgain() {
    // given: the saga starts while research takes no calls
    RoutingSlip slip =
        RoutingSlip.start(
            "saga-1",
            "task-1",
            "the prompt",
            List.of(
                RESEARCH.withPolicy(StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(30))),
                WRITE));
    SagaMoves start = SagaMoves.start(slip, LEADER, T0).holding("research"::equals, T0);

    // then: no command; the step is held, its deadline running from the dispatch
    assertThat(start.commands()).isEmpty();
    assertThat(start.events())
        .last()
        .isEqualTo(new SagaEvent.DispatchHeld("saga-1", "task-1", 0, "research", T0));
    SagaState saga = SagaState.of(start.events());
    assertThat(saga.steps().get(0).status()).isEqualTo(SagaState.StepStatus.HELD);
    assertThat(saga.status()).isEqualTo(Status.RUNNING);
    assertThat(
            SagaSupervisor.due(saga, T0.plusSeconds(10), GRACE, LEADER, "research"::equals)
                .isEmpty())
        .isTrue();

    // when: research takes calls again
    SagaMoves released = SagaSupervisor.due(saga, T0.plusSeconds(10), GRACE, LEADER, type -> false);

    // then: the command goes, with the step's first deadline; the step runs; nothing more is due
    assertThat(released.events())
        .containsExactly(
            new SagaEvent.DispatchReleased("saga-1", "task-1", 0, "research", T0.plusSeconds(10)));
    assertThat(released.commands())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).isZero();
              assertThat(c.deadline()).contains(T0.plusSeconds(30));
              assertThat(c.input()).isEqualTo("the prompt");
            });
    saga = fold(saga, released);
    assertThat(saga.steps().get(0).status()).isEqualTo(SagaState.StepStatus.RUNNING);
    assertThat(SagaSupervisor.due(saga, T0.plusSeconds(10), GRACE, LEADER, type -> false).isEmpty())
        .isTrue();
  }

  @Test
  void aHeldStepFailsAtItsDeadlineWithoutGraceAndTheSagaCompensates() {
    // given: research ran; write is held
    SagaState saga =
        start(RESEARCH, WRITE.withPolicy(StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(20))));
    saga =
        saga.apply(completed(0, T0))
            .apply(new SagaEvent.DispatchHeld("saga-1", "task-1", 1, "write", T0));
    assertThat(SagaSupervisor.nextCheck(saga, GRACE)).isEqualTo(T0.plusSeconds(20).plusNanos(1));

    // when: the deadline passes while write still takes no calls
    SagaMoves moves =
        SagaSupervisor.due(saga, T0.plusSeconds(20).plusNanos(1), GRACE, LEADER, "write"::equals);

    // then
    assertThat(moves.events())
        .first()
        .isInstanceOfSatisfying(
            SagaEvent.StepFailed.class,
            f -> {
              assertThat(f.stepIndex()).isEqualTo(1);
              assertThat(f.error())
                  .isEqualTo(
                      "deadline of 20 s exceeded while write took no calls (its circuit breakers "
                          + "were open)");
            });
    assertThat(moves.commands()).isEmpty();
    // undone latest first, the failed step included, as for any step that failed (then research)
    assertThat(moves.compensations())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).isEqualTo(1);
              assertThat(c.remaining()).containsExactly(0);
            });
  }

  @Test
  void aJoinHoldsTheNextStageOnlyForTheTypesThatTakeNoCalls() {
    // given: research and analysis in parallel, both done; then write and fact-check in parallel
    SagaState saga = start(RESEARCH, ANALYSIS.inParallel(), WRITE, CHECK.inParallel());
    saga =
        saga.apply(completed(0, T0))
            .apply(
                new SagaEvent.StepCompleted(
                    "saga-1", "task-1", SagaEvent.Seq.step(1), 1, "analysis", "weighed", T0));

    // when: the leader joins while write takes no calls
    SagaMoves moves = SagaSupervisor.due(saga, T0, GRACE, LEADER, "write"::equals);

    // then: fact-check goes, write waits
    assertThat(moves.commands()).extracting(StepCommand::stepIndex).containsExactly(3);
    assertThat(moves.events())
        .contains(new SagaEvent.DispatchHeld("saga-1", "task-1", 2, "write", T0));
    SagaState after = fold(saga, moves);
    assertThat(after.steps())
        .extracting(SagaState.StepState::status)
        .containsExactly(
            SagaState.StepStatus.COMPLETED,
            SagaState.StepStatus.COMPLETED,
            SagaState.StepStatus.HELD,
            SagaState.StepStatus.RUNNING);
  }

  private static SagaState start(SagaStep... plan) {
    return SagaState.of(
        SagaMoves.start(
                RoutingSlip.start("saga-1", "task-1", "the prompt", List.of(plan)), LEADER, T0)
            .events());
  }

  private static SagaState fold(SagaState saga, SagaMoves moves) {
    for (SagaEvent e : moves.events()) {
      saga = saga.apply(e);
    }
    return saga;
  }

  private static SagaEvent.StepCompleted completed(int step, Instant at) {
    return new SagaEvent.StepCompleted(
        "saga-1", "task-1", SagaEvent.Seq.step(step), step, "agent", "output of " + step, at);
  }

  private static SagaEvent.StepFailed failed(int step, Instant at) {
    return new SagaEvent.StepFailed(
        "saga-1", "task-1", SagaEvent.Seq.step(step), step, "agent", "boom " + step, at);
  }

  private static SagaEvent.CompensationFailed compensationFailed(
      int step, int attempt, Instant at) {
    return new SagaEvent.CompensationFailed(
        "saga-1", "task-1", step, "agent", attempt, "undo " + step + " failed at " + attempt, at);
  }
}
