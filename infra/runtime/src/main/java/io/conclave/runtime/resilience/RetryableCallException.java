package io.conclave.runtime.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * A call that failed for now: the same call may succeed later, after the service's {@code
 * Retry-After} if it gave one.
 */
public abstract sealed class RetryableCallException extends RuntimeException implements CallFailure
    permits ServiceUnavailableException, RateLimitedException {
  private final transient Optional<Duration> retryAfter;

  RetryableCallException(String message, Throwable cause, Optional<Duration> retryAfter) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  @Override
  public final boolean retryable() {
    return true;
  }

  @Override
  public final Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
