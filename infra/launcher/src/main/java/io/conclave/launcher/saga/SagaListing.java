package io.conclave.launcher.saga;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.sagas.SagaQuery;
import io.conclave.projections.sagas.SagaSummary;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sagas a saga-events log holds, newest first: {@code conclave saga list}, read straight from
 * Kafka as {@code saga show} reads one saga, in the summaries {@code GET /sagas} answers. Events
 * are folded as they are read, so it keeps one state per saga of the topic (which the saga
 * retention bounds), never the events themselves.
 */
final class SagaListing {
  private final Map<String, SagaState> sagas = new HashMap<>();

  /** Folds one more event in; each saga's events come in the order they were written. */
  void add(SagaEvent event) {
    sagas.merge(
        event.sagaId(),
        SagaState.empty(event.sagaId(), event.taskId()).apply(event),
        (known, first) -> known.apply(event));
  }

  /**
   * The started sagas folded so far that {@code query} matches, newest start first (then by saga
   * id), at most its limit.
   */
  List<SagaSummary> newestFirst(SagaQuery query) {
    return sagas.values().stream()
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

  /**
   * {@link #newestFirst(SagaQuery)} of {@code events}.
   *
   * @param events saga events of any sagas, each saga's in the order they were written
   */
  static List<SagaSummary> newestFirst(List<? extends SagaEvent> events, SagaQuery query) {
    SagaListing listing = new SagaListing();
    events.forEach(listing::add);
    return listing.newestFirst(query);
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
