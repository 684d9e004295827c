package io.conclave.projections.sagas;

import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaState.StepStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * One saga in the list of {@code GET /sagas}; {@code GET /sagas/{id}} has the rest.
 *
 * @param currentStep the first step running or awaiting approval, if any
 * @param failedStep the first step that failed, if any
 */
@Serdeable
public record SagaSummary(
    String sagaId,
    String taskId,
    String status,
    @Nullable Instant startedAt,
    @Nullable Instant endedAt,
    @Nullable Integer currentStep,
    @Nullable Integer failedStep) {
  public static SagaSummary of(SagaState saga) {
    return new SagaSummary(
        saga.sagaId(),
        saga.taskId(),
        saga.status().name(),
        saga.startedAt(),
        saga.endedAt(),
        first(saga, Set.of(StepStatus.RUNNING, StepStatus.HELD, StepStatus.AWAITING_APPROVAL)),
        first(saga, Set.of(StepStatus.FAILED)));
  }

  /**
   * The first {@code limit} of the pages of several partitions or instances, each by task id and
   * holding distinct sagas, by task id.
   */
  public static List<SagaSummary> merge(Collection<List<SagaSummary>> pages, int limit) {
    return pages.stream()
        .flatMap(List::stream)
        .sorted(Comparator.comparing(SagaSummary::taskId))
        .limit(limit)
        .toList();
  }

  private static Integer first(SagaState saga, Set<StepStatus> statuses) {
    return saga.steps().stream()
        .filter(s -> statuses.contains(s.status()))
        .map(SagaState.StepState::index)
        .findFirst()
        .orElse(null);
  }
}
