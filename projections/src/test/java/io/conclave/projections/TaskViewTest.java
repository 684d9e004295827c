package io.conclave.projections;

import static io.conclave.projections.SagaHistories.LEADER;
import static io.conclave.projections.SagaHistories.at;
import static io.conclave.projections.SagaHistories.fold;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.core.SagaEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folding a saga's events into its task's view ({@link TaskView#apply}), without Kafka Streams. */
class TaskViewTest {
  private static final String TASK = "task-1";

  @Test
  void aTaskWithoutEventsIsSubmitted() {
    // when
    TaskView view = TaskView.empty(TASK);

    // then
    assertThat(view.status()).isEqualTo(TaskView.SUBMITTED);
    assertThat(view.steps()).isEmpty();
    assertThat(view.sagaId()).isNull();
  }

  @Test
  void startedPlansEveryStepAsPendingAndRunsTheSaga() {
    // given
    List<SagaEvent> events = SagaHistories.completed(TASK, 3).subList(0, 1);

    // when
    TaskView view = fold(TASK, events);

    // then
    assertThat(view.status()).isEqualTo(TaskView.RUNNING);
    assertThat(view.sagaId()).isEqualTo("saga-task-1");
    assertThat(view.shard()).isEqualTo(LEADER.shard());
    assertThat(view.leaderEpoch()).isEqualTo(LEADER.epoch());
    assertThat(view.startedAt()).isEqualTo(at(0));
    assertThat(view.finishedAt()).isNull();
    assertThat(view.steps()).containsExactly(
        new StepView(0, "type0", "act0", StepView.PENDING, null, null, null),
        new StepView(1, "type1", "act1", StepView.PENDING, null, null, null),
        new StepView(2, "type2", "act2", StepView.PENDING, null, null, null));
  }

  @Test
  void aSagaWhoseStepsAllCompletedIsCompletedWithEveryOutput() {
    // given: Started, StepCompleted 0..2, Completed
    List<SagaEvent> events = SagaHistories.completed(TASK, 3);

    // when
    TaskView view = fold(TASK, events);

    // then
    assertThat(view.status()).isEqualTo(TaskView.COMPLETED);
    assertThat(view.error()).isNull();
    assertThat(view.finishedAt()).isEqualTo(at(4));
    assertThat(view.steps()).containsExactly(
        new StepView(0, "type0", "act0", StepView.COMPLETED, "out 0", null, at(1)),
        new StepView(1, "type1", "act1", StepView.COMPLETED, "out 1", null, at(2)),
        new StepView(2, "type2", "act2", StepView.COMPLETED, "out 2", null, at(3)));
  }

  @Test
  void anAbortedSagaIsAbortedWithTheReasonAsError() {
    // given: step 1 of 3 fails, step 0 is compensated
    List<SagaEvent> events = SagaHistories.history(TASK, 3, 1);

    // when
    TaskView view = fold(TASK, events);

    // then
    assertThat(view.status()).isEqualTo(TaskView.ABORTED);
    assertThat(view.error()).isEqualTo("step 1 (type1) failed: boom 1");
    assertThat(view.finishedAt()).isEqualTo(at(3));
    assertThat(view.steps()).extracting(StepView::status)
        .containsExactly(StepView.COMPENSATED, StepView.FAILED, StepView.PENDING);
    assertThat(view.steps().get(0).output()).as("a compensated step keeps what it had produced").isEqualTo("out 0");
    assertThat(view.steps().get(1).error()).isEqualTo("boom 1");
  }

  @Test
  void abortedAloneTakesTheReasonAsError() {
    // given
    TaskView running = fold(TASK, SagaHistories.completed(TASK, 2).subList(0, 1));

    // when
    TaskView view = running.apply(new SagaEvent.Aborted("saga-task-1", TASK, 3, "planner gave up", at(9)));

    // then
    assertThat(view.status()).isEqualTo(TaskView.ABORTED);
    assertThat(view.error()).isEqualTo("planner gave up");
    assertThat(view.finishedAt()).isEqualTo(at(9));
  }

  @Test
  void everyEventDeliveredTwiceChangesNothing() {
    // given
    List<SagaEvent> events = SagaHistories.history(TASK, 4, 2);
    TaskView view = TaskView.empty(TASK);

    for (SagaEvent e : events) {
      // when
      TaskView once = view.apply(e);
      TaskView twice = once.apply(e);

      // then
      assertThat(twice).as("after %s twice", e).isEqualTo(once);
      view = once;
    }
  }

  @Test
  void aReplayedStartedDoesNotWipeProgress() {
    // given
    List<SagaEvent> events = SagaHistories.completed(TASK, 2);
    TaskView done = fold(TASK, events);

    // when
    TaskView replayed = done.apply(events.get(0));

    // then
    assertThat(replayed).isEqualTo(done);
  }

  @Test
  void withSubmissionKeepsTheSagaStateAndTakesPromptAndSubmittedAt() {
    // given
    TaskView saga = fold(TASK, SagaHistories.history(TASK, 3, 1));
    Instant submittedAt = Instant.parse("2024-05-01T09:59:58Z");
    TaskView submission = TaskView.submitted(TASK, "why are llamas fluffy?", submittedAt);

    // when
    TaskView view = saga.withSubmission(submission);

    // then
    assertThat(view.prompt()).isEqualTo("why are llamas fluffy?");
    assertThat(view.submittedAt()).isEqualTo(submittedAt);
    assertThat(view).usingRecursiveComparison().ignoringFields("prompt", "submittedAt").isEqualTo(saga);
    assertThat(view.status()).as("the submission's SUBMITTED does not override the saga").isEqualTo(TaskView.ABORTED);
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
}
