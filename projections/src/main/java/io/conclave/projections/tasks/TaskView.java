package io.conclave.projections.tasks;

import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/**
 * A task as {@code GET /tasks/{id}} shows it: its submission and its saga's status and steps,
 * derived from the saga's {@link SagaState}.
 *
 * @param status {@code SUBMITTED} (no saga yet), or the saga's {@link SagaState.Status}: RUNNING,
 *     AWAITING_APPROVAL, COMPENSATING, COMPLETED, COMPENSATED or FAILED (a compensation was parked)
 * @param error why the saga compensates or ended without completing
 */
@Serdeable
public record TaskView(
    String taskId,
    @Nullable String sagaId,
    String status,
    @Nullable String prompt,
    List<StepView> steps,
    @Nullable Integer shard,
    @Nullable Long leaderEpoch,
    @Nullable Instant submittedAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt,
    @Nullable String error) {
  public static final String SUBMITTED = "SUBMITTED";

  public TaskView {
    steps = steps == null ? List.of() : List.copyOf(steps); // JSON omits an empty list
  }

  /** A task that is known to have been submitted but has no saga yet. */
  public static TaskView submitted(String taskId, String prompt, Instant submittedAt) {
    return new TaskView(
        taskId, null, SUBMITTED, prompt, List.of(), null, null, submittedAt, null, null, null);
  }

  /**
   * The task of {@code saga}, with what is known of its submission.
   *
   * @param submission the task's {@link #submitted} view, or null if it is not known here (erased,
   *     or not read yet)
   */
  public static TaskView of(SagaState saga, @Nullable TaskView submission) {
    LeaderStamp leader = saga.leader();
    // the submission has the prompt even when the saga's start did not carry it
    String prompt =
        submission != null ? submission.prompt() : saga.prompt().isEmpty() ? null : saga.prompt();
    return new TaskView(
        saga.taskId(),
        saga.sagaId(),
        saga.status().name(),
        prompt,
        saga.steps().stream().map(StepView::of).toList(),
        leader == null ? null : leader.shard(),
        leader == null ? null : leader.epoch(),
        submission == null ? null : submission.submittedAt(),
        saga.startedAt(),
        saga.endedAt(),
        saga.reason());
  }
}
