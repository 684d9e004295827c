package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.saga.CompensateCommand;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.RoutingSlip;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import io.conclave.model.saga.StepCommand;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@link StepEngine#after} is a pure decider: what a worker writes after one step, tested without a
 * broker.
 */
class StepEngineTest {
  private static final Instant ISSUED = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:05Z");
  private static final LeaderStamp ORIGIN = new LeaderStamp(2, 9);
  private static final String AGENT = "research-1";
  private static final List<SagaStep> THREE_STEPS =
      List.of(
          new SagaStep("research", "gather", "find sources", "discard"),
          new SagaStep("analysis", "analyze", "weigh the sources", "retract"),
          new SagaStep("write", "draft", "write the answer", "unpublish"));

  private static StepCommand commandAt(int cursor, int attempt) {
    return new StepCommand(
        new RoutingSlip("saga-t1", "t1", THREE_STEPS, cursor),
        "input " + cursor,
        attempt,
        ORIGIN,
        ISSUED);
  }

  private static Decision decision(long seq, String kind) {
    return new Decision(
        new DecisionKey(AGENT, seq),
        Optional.of("saga-t1"),
        Optional.of(0),
        kind,
        "p",
        NOW,
        Optional.empty());
  }

  @Test
  void aCompletedStepThatIsNotTheLastEmitsStepCompletedAndTheNextCommand() {
    // given: the step ran on its third attempt
    var result = new StepResult.Completed("sources: a, b");

    // when
    var transition =
        StepEngine.after(commandAt(0, 2), result, List.of(decision(17, "STEP_RESULT")), 0, 0, NOW);

    // then
    assertThat(transition.moves().events())
        .containsExactly(
            new SagaEvent.StepCompleted("saga-t1", "t1", 1, 0, "research", "sources: a, b", NOW));
    assertThat(transition.moves().commands()).hasSize(1);
    StepCommand next = transition.moves().commands().get(0);
    assertThat(next.slip())
        .isEqualTo(
            new RoutingSlip(
                "saga-t1",
                "t1",
                "",
                THREE_STEPS,
                1,
                Map.of(0, "sources: a, b"),
                Map.of(),
                new Spending(Spending.DEFAULT_TENANT, OptionalLong.empty(), Map.of(0, 0L))));
    assertThat(next.step()).isEqualTo(THREE_STEPS.get(1));
    assertThat(next.input()).as("the output feeds the next step").isEqualTo("sources: a, b");
    assertThat(next.origin()).as("the leader stamp travels with the saga").isEqualTo(ORIGIN);
    assertThat(next.attempt()).as("a new step starts with attempt 0").isZero();
    assertThat(next.issuedAt()).isEqualTo(NOW);
  }

  @Test
  void theLastCompletedStepCompletesTheSagaAndIssuesNoCommand() {
    // given
    var result = new StepResult.Completed("the answer");

    // when
    var transition =
        StepEngine.after(commandAt(2, 0), result, List.of(decision(4, "STEP_RESULT")), 0, 0, NOW);

    // then
    assertThat(transition.moves().events())
        .containsExactly(
            new SagaEvent.StepCompleted("saga-t1", "t1", 3, 2, "write", "the answer", NOW),
            new SagaEvent.Completed("saga-t1", "t1", 4, NOW));
    assertThat(transition.moves().events().get(1).seq()).isEqualTo(THREE_STEPS.size() + 1L);
    assertThat(transition.moves().commands()).isEmpty();
    assertThat(transition.decisions())
        .extracting(Decision::sequence)
        .as("written as recorded")
        .containsExactly(4L);
  }

  @Test
  void aCompletedStepWithoutDecisionsStillCompletes() {
    // when
    var transition =
        StepEngine.after(
            commandAt(1, 0), new StepResult.Completed("weighed"), List.of(), 0, 0, NOW);

    // then
    assertThat(transition.decisions()).isEmpty();
    assertThat(transition.moves().events())
        .containsExactly(
            new SagaEvent.StepCompleted("saga-t1", "t1", 2, 1, "analysis", "weighed", NOW));
    assertThat(transition.moves().commands())
        .extracting(StepCommand::input)
        .containsExactly("weighed");
  }

  @Test
  void aFailedStepRecordsTheFailureAndCompensatesItselfThenTheStepsBefore() {
    // given
    var result = new StepResult.Failed("no sources to weigh");
    Decision failure = decision(8, StepEngine.FAILURE_DECISION);

    // when
    var transition = StepEngine.after(commandAt(1, 0), result, List.of(failure), 0, 0, NOW);

    // then
    assertThat(transition.decisions()).containsExactly(failure);
    assertThat(transition.moves().events())
        .containsExactly(
            new SagaEvent.StepFailed(
                "saga-t1", "t1", 2, 1, "analysis", "no sources to weigh", NOW));
    assertThat(transition.moves().commands()).isEmpty();
    assertThat(transition.moves().compensations())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.stepIndex()).as("the failed step may have half-happened").isEqualTo(1);
              assertThat(c.remaining()).containsExactly(0);
              assertThat(c.reason())
                  .contains("step 1")
                  .contains("analysis")
                  .contains("no sources to weigh");
              assertThat(c.attempt()).isEqualTo(1);
              assertThat(c.origin()).isEqualTo(ORIGIN);
            });
  }

  @Test
  void theLastCompensationEndsTheSaga() {
    // given
    var undo =
        new CompensateCommand(
            new RoutingSlip("saga-t1", "t1", THREE_STEPS, 0),
            0,
            List.of(),
            "step 1 failed",
            1,
            ORIGIN,
            ISSUED);

    // when
    var transition =
        StepEngine.afterCompensation(undo, new StepResult.Completed("discarded"), List.of(), NOW);

    // then
    assertThat(transition.moves().events())
        .containsExactly(
            new SagaEvent.Compensated(
                "saga-t1", "t1", SagaEvent.Seq.compensated(3, 0), 0, "research", NOW),
            new SagaEvent.Aborted("saga-t1", "t1", SagaEvent.Seq.end(3), "step 1 failed", NOW));
    assertThat(transition.moves().compensations()).isEmpty();
  }

  @Test
  void aFailedCompensationIsReportedForTheLeaderToRetry() {
    // given
    var undo =
        new CompensateCommand(
            new RoutingSlip("saga-t1", "t1", THREE_STEPS, 0),
            1,
            List.of(0),
            "boom",
            2,
            ORIGIN,
            ISSUED);

    // when
    var transition =
        StepEngine.afterCompensation(undo, new StepResult.Failed("still locked"), List.of(), NOW);

    // then
    assertThat(transition.moves().events())
        .containsExactly(
            new SagaEvent.CompensationFailed(
                "saga-t1", "t1", 1, "analysis", 2, "still locked", NOW));
    assertThat(transition.moves().compensations()).isEmpty();
  }

  @Test
  void aTransitionsListsCannotBeChanged() {
    // given
    var transition =
        StepEngine.after(
            commandAt(0, 0), new StepResult.Completed("x"), List.of(decision(0, "X")), 0, 0, NOW);

    // when / then
    assertThat(transition.decisions()).isUnmodifiable();
    assertThat(transition.moves().events()).isUnmodifiable();
    assertThat(transition.moves().commands()).isUnmodifiable();
  }
}
