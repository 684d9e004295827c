package io.conclave.projections;

import io.conclave.core.SagaEvent;
import io.conclave.core.SagaStep;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A task's saga as the projections see it: its status and every step's state. {@link #apply} folds one saga
 * event in; applying an event twice changes nothing, so at-least-once delivery is safe.
 *
 * @param status SUBMITTED (no saga yet), RUNNING, COMPLETED or ABORTED
 */
@Serdeable
public record TaskView(String taskId, @Nullable String sagaId, String status, @Nullable String prompt,
                       List<StepView> steps, @Nullable Integer shard, @Nullable Long leaderEpoch,
                       @Nullable Instant submittedAt, @Nullable Instant startedAt, @Nullable Instant finishedAt,
                       @Nullable String error) {
  public static final String SUBMITTED = "SUBMITTED";
  public static final String RUNNING = "RUNNING";
  public static final String COMPLETED = "COMPLETED";
  public static final String ABORTED = "ABORTED";

  public TaskView {
    steps = steps == null ? List.of() : List.copyOf(steps); // JSON omits an empty list
  }

  /** A task that is known to have been submitted but has no saga yet. */
  public static TaskView submitted(String taskId, String prompt, Instant submittedAt) {
    return new TaskView(taskId, null, SUBMITTED, prompt, List.of(), null, null, submittedAt, null, null, null);
  }

  /** The view before any event: used as the initial value of the fold. */
  public static TaskView empty(String taskId) {
    return new TaskView(taskId, null, SUBMITTED, null, List.of(), null, null, null, null, null, null);
  }

  public TaskView apply(SagaEvent event) {
    if (event instanceof SagaEvent.Started s) {
      List<StepView> planned = new ArrayList<>();
      for (int i = 0; i < s.plan().size(); i++) {
        SagaStep step = s.plan().get(i);
        planned.add(new StepView(i, step.agentType(), step.action(), StepView.PENDING, null, null, null));
      }
      // a replayed Started must not wipe the progress of later events
      List<StepView> kept = steps.isEmpty() ? planned : steps;
      String st = status.equals(SUBMITTED) ? RUNNING : status;
      return new TaskView(taskId, s.sagaId(), st, prompt, kept, s.leader().shard(), s.leader().epoch(), submittedAt,
          s.at(), finishedAt, error);
    }
    if (event instanceof SagaEvent.StepCompleted s) {
      return withStep(s.stepIndex(), StepView.COMPLETED, s.output(), null, s.at());
    }
    if (event instanceof SagaEvent.StepFailed s) {
      return withStep(s.stepIndex(), StepView.FAILED, null, s.error(), s.at());
    }
    if (event instanceof SagaEvent.Compensated s) {
      return withStep(s.stepIndex(), StepView.COMPENSATED, null, null, s.at());
    }
    if (event instanceof SagaEvent.Completed s) {
      return new TaskView(taskId, sagaId, COMPLETED, prompt, steps, shard, leaderEpoch, submittedAt, startedAt,
          s.at(), error);
    }
    if (event instanceof SagaEvent.Aborted s) {
      return new TaskView(taskId, sagaId, ABORTED, prompt, steps, shard, leaderEpoch, submittedAt, startedAt, s.at(),
          s.reason());
    }
    return this;
  }

  private TaskView withStep(int index, String stepStatus, String output, String stepError, Instant at) {
    List<StepView> next = new ArrayList<>(steps);
    if (index < next.size()) {
      StepView old = next.get(index);
      next.set(index, new StepView(index, old.agentType(), old.action(), stepStatus,
          output != null ? output : old.output(), stepError != null ? stepError : old.error(), at));
    }
    return new TaskView(taskId, sagaId, status, prompt, next, shard, leaderEpoch, submittedAt, startedAt, finishedAt,
        error);
  }

  /** The same saga view, with what is known of the submission. */
  public TaskView withSubmission(TaskView submission) {
    return new TaskView(taskId, sagaId, status, submission.prompt(), steps, shard, leaderEpoch,
        submission.submittedAt(), startedAt, finishedAt, error);
  }
}
