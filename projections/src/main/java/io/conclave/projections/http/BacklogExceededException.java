package io.conclave.projections.http;

import java.time.Duration;
import java.util.Objects;

/**
 * A submission was refused because Conclave is behind ({@link Backpressure}): nothing was written.
 * Answered 503 with a {@code Retry-After} of {@link #retryAfter()}.
 */
final class BacklogExceededException extends RuntimeException {
  private final Duration retryAfter;

  BacklogExceededException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** When to submit again, in whole seconds (at least 1). */
  long retryAfterSeconds() {
    return Math.max(1, retryAfter.toSeconds());
  }
}
