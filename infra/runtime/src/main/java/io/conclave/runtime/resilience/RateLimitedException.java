package io.conclave.runtime.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * The service refused the call for now because of its rate limits (HTTP 429). Retryable, after its
 * Retry-After.
 */
public final class RateLimitedException extends RetryableCallException {
  public RateLimitedException(String message, Optional<Duration> retryAfter) {
    super(message, null, retryAfter);
  }
}
