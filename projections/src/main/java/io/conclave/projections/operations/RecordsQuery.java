package io.conclave.projections.operations;

import io.conclave.projections.http.StrictJson;
import io.conclave.runtime.readers.LogPosition;
import java.util.OptionalInt;

/**
 * Query of {@code GET /admin/topics/{topic}/records}: {@code fromOffset} or {@code fromTime}
 * (default: the beginning), {@code partition} (default: all), {@code max} (default {@value
 * #DEFAULT_MAX}, at most {@value #MAX_MAX}: a larger one is capped).
 */
record RecordsQuery(LogPosition from, OptionalInt partition, long max) {
  static final long DEFAULT_MAX = 100;
  static final long MAX_MAX = 10_000;

  /**
   * From the raw query parameters (each may be null). @throws IllegalArgumentException naming what
   * is wrong
   */
  static RecordsQuery parse(String fromOffset, String fromTime, String partition, String max) {
    Long offset = StrictJson.optionalLong("fromOffset", fromOffset);
    boolean hasTime = fromTime != null && !fromTime.isBlank();
    if (offset != null && hasTime) {
      throw new IllegalArgumentException("give fromOffset or fromTime, not both");
    }
    LogPosition from =
        hasTime
            ? new LogPosition.Time(StrictJson.instant("fromTime", fromTime.trim()))
            : new LogPosition.Offset(offset == null ? 0 : StrictJson.offset("fromOffset", offset));
    Long p = StrictJson.optionalLong("partition", partition);
    if (p != null && (p < 0 || p > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException("partition must be >= 0, was " + p);
    }
    Long n = StrictJson.optionalLong("max", max);
    if (n != null && n < 1) {
      throw new IllegalArgumentException("max must be >= 1, was " + n);
    }
    return new RecordsQuery(
        from,
        p == null ? OptionalInt.empty() : OptionalInt.of(p.intValue()),
        n == null ? DEFAULT_MAX : Math.min(n, MAX_MAX));
  }
}
