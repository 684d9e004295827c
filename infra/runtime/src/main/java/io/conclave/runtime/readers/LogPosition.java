package io.conclave.runtime.readers;

import java.time.Instant;
import java.util.Objects;

/**
 * A point in a topic's log that a replay starts from or a reset moves to: an offset in every
 * partition, or the first record at or after a point in time. Immutable.
 *
 * <p>{@link #in} turns it into one partition's offset, the same way for every user (replay, group
 * reset, projection rebuild), as {@code kafka-consumer-groups --reset-offsets} does: an offset is
 * clamped to the partition's log; a time with no record at or after it means the end of the
 * partition.
 */
public sealed interface LogPosition permits LogPosition.Offset, LogPosition.Time {
  /** Offset 0 in every partition, which {@link #in} clamps to the first offset still in the log. */
  static LogPosition beginning() {
    return new Offset(0);
  }

  /**
   * This position's offset in a partition whose log spans [{@code earliest}, {@code latest}).
   *
   * @param firstAtTime for a {@link Time}: the first offset whose record's timestamp is at or after
   *     the time ({@code offsetsForTimes}), or null (or negative) if there is none; ignored for an
   *     {@link Offset}
   */
  long in(long earliest, long latest, Long firstAtTime);

  /** The same offset in every partition; must be >= 0. */
  record Offset(long offset) implements LogPosition {
    public Offset {
      if (offset < 0) {
        throw new IllegalArgumentException("the offset must be >= 0, was " + offset);
      }
    }

    @Override
    public long in(long earliest, long latest, Long firstAtTime) {
      return Math.min(Math.max(offset, earliest), latest);
    }

    @Override
    public String toString() {
      return "offset " + offset;
    }
  }

  /**
   * The first record at or after {@code time}, by record timestamp; non-null, not before 1970
   * (Kafka reads negative timestamps as codes: -1 is "the end") and within the range of epoch
   * milliseconds.
   */
  record Time(Instant time) implements LogPosition {
    public Time {
      Objects.requireNonNull(time, "time");
      if (time.isBefore(Instant.EPOCH)) {
        throw new IllegalArgumentException(
            "the time must be at or after " + Instant.EPOCH + ", was " + time);
      }
      try {
        time.toEpochMilli();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("the time is too far in the future: " + time);
      }
    }

    @Override
    public long in(long earliest, long latest, Long firstAtTime) {
      return firstAtTime == null || firstAtTime < 0 ? latest : firstAtTime;
    }

    @Override
    public String toString() {
      return "time " + time;
    }
  }
}
