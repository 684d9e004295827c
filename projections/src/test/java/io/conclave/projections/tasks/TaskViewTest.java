package io.conclave.projections.tasks;

import static io.conclave.projections.sagas.SagaHistories.LEADER;
import static io.conclave.projections.sagas.SagaHistories.PROMPT;
import static io.conclave.projections.sagas.SagaHistories.at;
import static io.conclave.projections.sagas.SagaHistories.fold;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.sagas.SagaFold;
import io.conclave.projections.sagas.SagaHistories;
import io.conclave.projections.sagas.SagaHistories.Script;
import io.conclave.projections.sagas.SagaHistories.Undo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A task's view ({@link TaskView#of}) of its saga's state, as the projection folds it, without
 * Kafka Streams.
 */
class TaskViewTest {
  private static final String TASK = "task-1";

  private static TaskView view(List<SagaEvent> events) {
    return TaskView.of(fold(events), null);
  }

  @Test
  void aSubmittedTaskHasItsPromptAndNoSaga() {
    // when
    TaskView view = TaskView.submitted(TASK, "why?", at(0));

    // then
    assertThat(view.status()).isEqualTo(TaskView.SUBMITTED);
    assertThat(view.prompt()).isEqualTo("why?");
    assertThat(view.submittedAt()).isEqualTo(at(0));
    assertThat(view.sagaId()).isNull();
    assertThat(view.steps()).isEmpty();
  }

  @Test
  void startedRunsTheFirstStepAndPlansTheOthersAsPending() {
    // given
    List<SagaEvent> events = SagaHistories.completed(TASK, 3).subList(0, 1);

    // when
    TaskView view = view(events);

    // then
    assertThat(view.status()).isEqualTo("RUNNING");
    assertThat(view.sagaId()).isEqualTo("saga-task-1");
    assertThat(view.prompt()).as("the saga's start carries the prompt").isEqualTo(PROMPT);
    assertThat(view.shard()).isEqualTo(LEADER.shard());
    assertThat(view.leaderEpoch()).isEqualTo(LEADER.epoch());
    assertThat(view.startedAt()).isEqualTo(at(0));
    assertThat(view.finishedAt()).isNull();
    assertThat(view.steps())
        .containsExactly(
            new StepView(0, "type0", "act0", "RUNNING", null, null, at(0)),
            new StepView(1, "type1", "act1", "PENDING", null, null, null),
            new StepView(2, "type2", "act2", "PENDING", null, null, null));
  }

  @Test
  void aSagaWhoseStepsAllCompletedIsCompletedWithEveryOutput() {
    // given: Started, StepCompleted 0..2, Completed
    List<SagaEvent> events = SagaHistories.completed(TASK, 3);

    // when
    TaskView view = view(events);

    // then
    assertThat(view.status()).isEqualTo("COMPLETED");
    assertThat(view.error()).isNull();
    assertThat(view.finishedAt()).isEqualTo(at(4));
    assertThat(view.steps())
        .containsExactly(
            new StepView(0, "type0", "act0", "COMPLETED", "out 0", null, at(1)),
            new StepView(1, "type1", "act1", "COMPLETED", "out 1", null, at(2)),
            new StepView(2, "type2", "act2", "COMPLETED", "out 2", null, at(3)));
  }

  @Test
  void aFailedStepMakesTheSagaCompensateAndThenEndCompensated() {
    // given: step 1 of 3 fails; steps 1 and 0 are undone, then Aborted
    List<SagaEvent> events = SagaHistories.history(TASK, 3, 1);
    int failed = 2; // Started, StepCompleted 0, StepFailed 1

    // when
    TaskView compensating = view(events.subList(0, failed + 1));
    TaskView view = view(events);

    // then
    assertThat(compensating.status()).isEqualTo("COMPENSATING");
    assertThat(compensating.error()).contains("step 1").contains("boom 1");
    assertThat(compensating.finishedAt()).isNull();
    assertThat(view.status()).isEqualTo("COMPENSATED");
    assertThat(view.error()).isEqualTo(compensating.error());
    assertThat(view.finishedAt()).isEqualTo(at(events.size() - 1));
    assertThat(view.steps())
        .extracting(StepView::status)
        .as("a failed step stays FAILED though it is undone too")
        .containsExactly("COMPENSATED", "FAILED", "PENDING");
    assertThat(view.steps().get(0).output())
        .as("a compensated step keeps what it had produced")
        .isEqualTo("out 0");
    assertThat(view.steps().get(1).error()).isEqualTo("boom 1");
  }

  @Test
  void aParkedCompensationEndsTheSagaFailed() {
    // given: step 2 fails; undoing step 1 fails every attempt and is parked, the others are undone
    Script script = new Script(TASK, 3, Set.of(), 2, Map.of(1, Undo.PARKED));

    // when
    TaskView view = view(script.events());

    // then
    assertThat(view.status()).isEqualTo("FAILED");
    assertThat(view.steps())
        .extracting(StepView::status)
        .containsExactly("COMPENSATED", "COMPLETED", "FAILED");
  }

  @Test
  void aSagaWaitingForAHumanIsAwaitingApproval() {
    // given: step 1 of 3 is an approval, requested once step 0 completed
    List<SagaEvent> events = new Script(TASK, 3, Set.of(1), -1, Map.of()).events();

    // when
    TaskView view = view(events.subList(0, 3));

    // then
    assertThat(view.status()).isEqualTo("AWAITING_APPROVAL");
    assertThat(view.steps().get(1).agentType()).isEqualTo("approval");
    assertThat(view.steps().get(1).status()).isEqualTo("AWAITING_APPROVAL");
    assertThat(view(events).steps().get(1).output()).isEqualTo("approved by alice");
  }

  @Test
  void everyEventDeliveredTwiceChangesNothing() {
    // given
    List<SagaEvent> events =
        new Script(TASK, 4, Set.of(1), 3, Map.of(2, Undo.RETRIED_THEN_DONE)).events();
    SagaState state = null;

    for (SagaEvent e : events) {
      // when
      SagaState once = SagaFold.apply(state, e);
      SagaState twice = SagaFold.apply(once, e);

      // then
      assertThat(TaskView.of(twice, null))
          .as("after %s twice", e)
          .isEqualTo(TaskView.of(once, null));
      state = once;
    }
  }

  @Test
  void aReplayedStartedDoesNotWipeProgress() {
    // given
    List<SagaEvent> events = SagaHistories.completed(TASK, 2);
    SagaState done = fold(events);

    // when
    SagaState replayed = SagaFold.apply(done, events.get(0));

    // then
    assertThat(replayed).isEqualTo(done);
  }

  @Test
  void theSubmissionGivesPromptAndSubmittedAtAndTheSagaTheRest() {
    // given
    SagaState saga = fold(SagaHistories.history(TASK, 3, 1));
    Instant submittedAt = Instant.parse("2024-05-01T09:59:58Z");
    TaskView submission = TaskView.submitted(TASK, "why are alpacas fluffy?", submittedAt);

    // when
    TaskView view = TaskView.of(saga, submission);

    // then
    assertThat(view.prompt()).isEqualTo("why are alpacas fluffy?");
    assertThat(view.submittedAt()).isEqualTo(submittedAt);
    assertThat(view)
        .usingRecursiveComparison()
        .ignoringFields("prompt", "submittedAt")
        .isEqualTo(TaskView.of(saga, null));
    assertThat(view.status())
        .as("the submission's SUBMITTED does not override the saga")
        .isEqualTo("COMPENSATED");
  }
}
