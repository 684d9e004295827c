package io.conclave.runtime.config;

import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How long an ended saga is kept ({@code conclave.saga.retention-ms}, 24 h by default), as a
 * Temporal namespace keeps closed workflows: within it a task id submitted again is refused (its
 * shard leader still knows the task), after it the saga is retired. The tasks and saga-events
 * topics keep their records as long ({@code retention.ms}, on top of compaction), so neither the
 * topics nor a leader's memory grow with the number of sagas ever run. Immutable.
 */
public record SagaRetention(Duration sagas) {
  static final Setting RETENTION =
      Setting.of(
          "conclave.saga.retention-ms",
          "CONCLAVE_SAGA_RETENTION_MS",
          Duration.ofHours(24).toMillis());

  /** The settings it reads. */
  public static final List<Setting> SETTINGS = List.of(RETENTION);

  public static final SagaRetention DEFAULT =
      new SagaRetention(Duration.ofMillis(Long.parseLong(RETENTION.fallback())));

  public SagaRetention {
    Objects.requireNonNull(sagas, "sagas");
    if (sagas.toMillis() < 1000) {
      throw new IllegalArgumentException(
          RETENTION.names() + " must be at least 1000 ms, was " + sagas.toMillis());
    }
  }

  public static SagaRetention from(EnvironmentLookup env) {
    return new SagaRetention(env.millis(RETENTION));
  }

  /**
   * A segment rolls a quarter of the retention after its first record: time retention deletes whole
   * segments only, so a record is gone at most 1.25 retentions after it was written.
   */
  public long segmentMs() {
    return Math.max(60_000, sagas.toMillis() / 4);
  }
}
