package io.conclave.projections.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the knowledge projection and its HTTP API. Immutable.
 *
 * @param historyRetention how long the {@code knowledge-history} store keeps versions behind the
 *     newest delta of a partition ({@code conclave.knowledge.history-retention}, default 7 days); a
 *     query {@code at} a time older than this before now is refused
 * @param forwardTimeout how long a query forwarded to the instance holding a key may take ({@code
 *     conclave.knowledge.forward-timeout}, default 5 s)
 */
public record KnowledgeSettings(Duration historyRetention, Duration forwardTimeout) {
  /**
   * How long the knowledge history keeps versions behind the newest delta, unless configured
   * otherwise.
   */
  public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofDays(7);

  static final Duration DEFAULT_FORWARD_TIMEOUT = Duration.ofSeconds(5);

  public KnowledgeSettings {
    Objects.requireNonNull(historyRetention, "historyRetention");
    Objects.requireNonNull(forwardTimeout, "forwardTimeout");
    if (historyRetention.toMillis() < 1) {
      throw new IllegalArgumentException(
          "conclave.knowledge.history-retention must be positive, was " + historyRetention);
    }
    if (forwardTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "conclave.knowledge.forward-timeout must be positive, was " + forwardTimeout);
    }
  }

  public static KnowledgeSettings defaults() {
    return new KnowledgeSettings(DEFAULT_HISTORY_RETENTION, DEFAULT_FORWARD_TIMEOUT);
  }
}
