package io.conclave.projections.tasks;

import io.conclave.model.saga.SagaState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One step of a task's saga in {@link TaskView}: its {@link SagaState.StepStatus} (PENDING,
 * RUNNING, AWAITING_APPROVAL, COMPLETED, FAILED), or {@code COMPENSATED} once a step that had
 * completed was undone (a failed step stays FAILED, though its compensation runs too: it may have
 * half-happened). {@code GET /sagas/{id}} has the whole picture, compensations included.
 *
 * @param updatedAt when the step last changed: dispatched, finished, or its compensation moved
 */
@Serdeable
public record StepView(
    int index,
    String agentType,
    String action,
    String status,
    @Nullable String output,
    @Nullable String error,
    @Nullable Instant updatedAt) {
  public static final String COMPENSATED = "COMPENSATED";

  public static StepView of(SagaState.StepState s) {
    boolean undone =
        s.status() == SagaState.StepStatus.COMPLETED
            && s.compensation() == SagaState.CompensationStatus.DONE;
    String status = undone ? COMPENSATED : s.status().name();
    Instant updatedAt =
        Stream.of(s.dispatchedAt(), s.finishedAt(), s.compensationAt())
            .filter(Objects::nonNull)
            .max(Instant::compareTo)
            .orElse(null);
    return new StepView(
        s.index(), s.agentType(), s.action(), status, s.output(), s.error(), updatedAt);
  }
}
