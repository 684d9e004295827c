package io.conclave.projections.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The projections cannot answer now: Kafka Streams is starting, rebalancing or rebuilding, or the
 * instance holding the data cannot be reached. Answered 503 with a {@code Retry-After} of {@link
 * #retryAfter()}: try again shortly.
 */
public final class ProjectionUnavailableException extends RuntimeException {
  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  private final Duration retryAfter;

  public ProjectionUnavailableException(String message, Throwable cause) {
    this(message, cause, DEFAULT_RETRY_AFTER);
  }

  /**
   * @param retryAfter when to try again; rounded up to whole seconds, at least 1
   */
  public ProjectionUnavailableException(String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * {@link #retryAfter()} as the {@code Retry-After} header wants it: whole seconds, at least 1.
   */
  public long retryAfterSeconds() {
    long millis = retryAfter.toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }
}
