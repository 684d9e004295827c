package io.conclave.launcher.saga;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaIds;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import io.conclave.projections.sagas.SagaQuery;
import io.conclave.projections.sagas.SagaSummary;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** saga list: the sagas of the log, newest first, in GET /sagas' summaries. */
class SagaListingTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static SagaEvent.Started started(String task, int minutes) {
    return new SagaEvent.Started(
        SagaIds.of(task),
        task,
        SagaEvent.Seq.started(),
        List.of(new SagaStep("research", "gather", "", "discard")),
        "p",
        new LeaderStamp(0, 1),
        T0.plusSeconds(60L * minutes),
        Spending.unlimited("default"));
  }

  private static SagaEvent.Completed completed(String task, int minutes) {
    return new SagaEvent.Completed(
        SagaIds.of(task), task, SagaEvent.Seq.end(1), T0.plusSeconds(60L * minutes));
  }

  @Test
  void theNewestSagaComesFirstWithItsStatusUpToTheLimit() {
    // Given: three sagas, interleaved in the log as partitions interleave; one ended
    List<SagaEvent> events =
        List.of(started("old", 0), started("newest", 10), completed("old", 1), started("mid", 5));

    // When
    List<SagaSummary> all = SagaListing.newestFirst(events, SagaQuery.parse(null, null));
    List<SagaSummary> two = SagaListing.newestFirst(events, SagaQuery.parse(null, "2"));
    List<SagaSummary> done = SagaListing.newestFirst(events, SagaQuery.parse("completed", null));

    // Then
    assertThat(all)
        .extracting(SagaSummary::sagaId)
        .containsExactly("saga-newest", "saga-mid", "saga-old");
    assertThat(all)
        .extracting(SagaSummary::status)
        .containsExactly("RUNNING", "RUNNING", "COMPLETED");
    assertThat(two).extracting(SagaSummary::sagaId).containsExactly("saga-newest", "saga-mid");
    assertThat(done).extracting(SagaSummary::sagaId).containsExactly("saga-old");
    assertThat(SagaListing.line(done.get(0)))
        .startsWith("saga-old")
        .contains("COMPLETED", "started 2026-12-01T10:00:00Z", "ended 2026-12-01T10:01:00Z");
  }

  @Test
  void eventsOfASagaNeverStartedListNothing() {
    assertThat(SagaListing.newestFirst(List.of(completed("ghost", 1)), SagaQuery.parse(null, null)))
        .isEmpty();
  }
}
