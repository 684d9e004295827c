package io.conclave.projections.knowledge;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code at} parameter of {@code GET /knowledge/{key}}: the time to answer as of, an ISO-8601
 * instant ({@code 2026-11-24T10:00:00Z}, or with an offset, {@code 2026-11-24T11:00:00+01:00}) or
 * milliseconds since the epoch ({@code 1795514400000}). A time older than the history retention
 * before now is refused: the history may have dropped it, and an answer that might be missing
 * deltas is not given.
 */
final class KnowledgeAsOf {
  private KnowledgeAsOf() {}

  /**
   * The time {@code text} names; empty if it is null or blank (answer now).
   *
   * @param now the time now, to which the retention is relative
   * @param retention how far back the history answers
   * @throws IllegalArgumentException if {@code text} is not a time, or is older than {@code now -
   *     retention}
   */
  static Optional<Instant> parse(String text, Instant now, Duration retention) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    Instant at = instant(text.trim());
    Instant oldest = now.minus(retention);
    if (at.isBefore(oldest)) {
      throw new IllegalArgumentException(
          "at "
              + at
              + " is older than the knowledge history keeps ("
              + humane(retention)
              + ", conclave.knowledge.history-retention): ask for "
              + oldest
              + " or later");
    }
    return Optional.of(at);
  }

  private static Instant instant(String text) {
    if (text.chars().allMatch(Character::isDigit)) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(text));
      } catch (NumberFormatException e) {
        throw unreadable(text);
      }
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException again) {
        throw unreadable(text);
      }
    }
  }

  /** {@code 7 days}, {@code 36 hours}, ...: the largest unit that divides it, else ISO-8601. */
  static String humane(Duration d) {
    if (d.isZero() || d.isNegative() || d.toMillis() % 1000 != 0) {
      return d.toString();
    }
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return plural(s / 86_400, "day");
    }
    if (s % 3600 == 0) {
      return plural(s / 3600, "hour");
    }
    return s % 60 == 0 ? plural(s / 60, "minute") : plural(s, "second");
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }

  private static IllegalArgumentException unreadable(String text) {
    return new IllegalArgumentException(
        "at must be an ISO-8601 instant such as 2026-11-24T10:00:00Z or milliseconds "
            + "since the epoch, was '"
            + text
            + "'");
  }
}
