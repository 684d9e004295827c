package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.core.Decision;
import io.conclave.core.DecisionKey;
import io.conclave.core.LeaderStamp;
import io.conclave.core.RoutingSlip;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaStep;
import io.conclave.core.StepCommand;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link StepEngine#after} is a pure decider: what a worker writes after one step, tested without a broker. */
class StepEngineTest {
  private static final Instant ISSUED = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:05Z");
  private static final LeaderStamp ORIGIN = new LeaderStamp(2, 9);
  private static final String AGENT = "research-1";
  private static final List<SagaStep> THREE_STEPS = List.of(
      new SagaStep("research", "gather", "find sources", "discard"),
      new SagaStep("analysis", "analyze", "weigh the sources", "retract"),
      new SagaStep("write", "draft", "write the answer", "unpublish"));

  private static StepCommand commandAt(int cursor, int attempt) {
    return new StepCommand(new RoutingSlip("saga-t1", "t1", THREE_STEPS, cursor), "input " + cursor, attempt, ORIGIN,
        ISSUED);
  }

  @Test
  void aCompletedStepRecordsOneDecisionPerDraftWithConsecutiveSequences() {
    // given
    var result = new StepResult.Completed("sources: a, b", List.of(
        new StepResult.DecisionDraft(StepEngine.RESULT_DECISION, "sources: a, b"),
        new StepResult.DecisionDraft("NOTE", "b looks stronger")));

    // when
    var transition = StepEngine.after(commandAt(0, 0), result, AGENT, 17, NOW);

    // then
    assertThat(transition.decisions()).containsExactly(
        new Decision(new DecisionKey(AGENT, 17), Optional.of("saga-t1"), Optional.of(0), "STEP_RESULT",
            "sources: a, b", NOW, Optional.empty()),
        new Decision(new DecisionKey(AGENT, 18), Optional.of("saga-t1"), Optional.of(0), "NOTE",
            "b looks stronger", NOW, Optional.empty()));
  }

  @Test
  void aCompletedStepThatIsNotTheLastEmitsStepCompletedAndTheNextCommand() {
    // given: the step ran on its third attempt
    var result = new StepResult.Completed("sources: a, b",
        List.of(new StepResult.DecisionDraft(StepEngine.RESULT_DECISION, "sources: a, b")));

    // when
    var transition = StepEngine.after(commandAt(0, 2), result, AGENT, 17, NOW);

    // then
    assertThat(transition.events()).containsExactly(
        new SagaEvent.StepCompleted("saga-t1", "t1", 1, 0, "research", "sources: a, b", NOW));
    assertThat(transition.next()).isPresent();
    StepCommand next = transition.next().orElseThrow();
    assertThat(next.slip()).isEqualTo(new RoutingSlip("saga-t1", "t1", THREE_STEPS, 1));
    assertThat(next.step()).isEqualTo(THREE_STEPS.get(1));
    assertThat(next.input()).as("the output feeds the next step").isEqualTo("sources: a, b");
    assertThat(next.origin()).as("the leader stamp travels with the saga").isEqualTo(ORIGIN);
    assertThat(next.attempt()).as("a new step starts with attempt 0").isZero();
    assertThat(next.issuedAt()).isEqualTo(NOW);
  }

  @Test
  void theLastCompletedStepCompletesTheSagaAndIssuesNoCommand() {
    // given
    var result = new StepResult.Completed("the answer",
        List.of(new StepResult.DecisionDraft(StepEngine.RESULT_DECISION, "the answer")));

    // when
    var transition = StepEngine.after(commandAt(2, 0), result, AGENT, 4, NOW);

    // then
    assertThat(transition.events()).containsExactly(
        new SagaEvent.StepCompleted("saga-t1", "t1", 3, 2, "write", "the answer", NOW),
        new SagaEvent.Completed("saga-t1", "t1", 4, NOW));
    assertThat(transition.events().get(1).seq()).isEqualTo(THREE_STEPS.size() + 1L);
    assertThat(transition.next()).isEmpty();
    assertThat(transition.decisions()).extracting(Decision::sequence).containsExactly(4L);
  }

  @Test
  void aCompletedStepWithoutDraftsRecordsNoDecision() {
    // when
    var transition = StepEngine.after(commandAt(1, 0), new StepResult.Completed("weighed", List.of()), AGENT, 5, NOW);

    // then
    assertThat(transition.decisions()).isEmpty();
    assertThat(transition.events()).containsExactly(
        new SagaEvent.StepCompleted("saga-t1", "t1", 2, 1, "analysis", "weighed", NOW));
    assertThat(transition.next()).map(StepCommand::input).contains("weighed");
  }

  @Test
  void aFailedStepRecordsTheFailureAndAbortsTheSaga() {
    // given
    var result = new StepResult.Failed("no sources to weigh");

    // when
    var transition = StepEngine.after(commandAt(1, 0), result, AGENT, 8, NOW);

    // then
    assertThat(transition.decisions()).containsExactly(
        new Decision(new DecisionKey(AGENT, 8), Optional.of("saga-t1"), Optional.of(1), StepEngine.FAILURE_DECISION,
            "no sources to weigh", NOW, Optional.empty()));
    assertThat(transition.decisions().get(0).kind()).isEqualTo("STEP_FAILED");
    assertThat(transition.events()).hasSize(2);
    assertThat(transition.events().get(0)).isEqualTo(
        new SagaEvent.StepFailed("saga-t1", "t1", 2, 1, "analysis", "no sources to weigh", NOW));
    assertThat(transition.events().get(1)).isInstanceOfSatisfying(SagaEvent.Aborted.class, aborted -> {
      assertThat(aborted.sagaId()).isEqualTo("saga-t1");
      assertThat(aborted.taskId()).isEqualTo("t1");
      assertThat(aborted.seq()).isEqualTo(SagaEvent.Seq.end(3)).isEqualTo(4);
      assertThat(aborted.reason()).contains("step 1").contains("analysis").contains("no sources to weigh");
      assertThat(aborted.at()).isEqualTo(NOW);
    });
    assertThat(transition.next()).isEmpty();
  }

  @Test
  void aTransitionsListsCannotBeChanged() {
    // given
    var transition = StepEngine.after(commandAt(0, 0), new StepResult.Completed("x", List.of()), AGENT, 0, NOW);

    // when / then
    assertThat(transition.decisions()).isUnmodifiable();
    assertThat(transition.events()).isUnmodifiable();
  }
}
