package io.conclave.launcher.saga;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.sagas.SagaQuery;
import io.conclave.projections.sagas.SagaSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sagas a saga-events log holds, newest first: {@code conclave saga list}, read straight from
 * Kafka as {@code saga show} reads one saga, in the summaries {@code GET /sagas} answers.
 */
final class SagaListing {
  private SagaListing() {}

  /**
   * The started sagas of {@code events} that {@code query} matches, newest start first (then by
   * saga id), at most its limit.
   *
   * @param events saga events of any sagas, each saga's in the order they were written
   */
  static List<SagaSummary> newestFirst(List<? extends SagaEvent> events, SagaQuery query) {
    Map<String, List<SagaEvent>> bySaga = new LinkedHashMap<>();
    events.forEach(e -> bySaga.computeIfAbsent(e.sagaId(), id -> new ArrayList<>()).add(e));
    return bySaga.values().stream()
        .map(SagaState::of)
        .filter(s -> s.isStarted() && query.matches(s))
        .sorted(
            Comparator.comparing(
                    (SagaState s) -> s.startedAt() == null ? Instant.MIN : s.startedAt())
                .reversed()
                .thenComparing(SagaState::sagaId))
        .limit(query.limit())
        .map(SagaSummary::of)
        .toList();
  }

  /** One saga in a line: id, status, start, end, and the step it is at or failed in. */
  static String line(SagaSummary s) {
    return String.format(
        "%-36s %-17s started %s%s%s",
        s.sagaId(),
        s.status(),
        s.startedAt(),
        s.endedAt() == null ? "" : ", ended " + s.endedAt(),
        s.failedStep() != null
            ? ", step " + s.failedStep() + " failed"
            : s.currentStep() != null ? ", at step " + s.currentStep() : "");
  }
}
