package io.conclave.runtime.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * The service could not answer now: it could not be reached, did not answer in time, answered 5xx
 * or 408, or the caller's own protections refused the call (its circuit breaker is open, its
 * bulkhead is full). Retryable.
 */
public final class ServiceUnavailableException extends RetryableCallException {
  public ServiceUnavailableException(String message, Throwable cause) {
    this(message, cause, Optional.empty());
  }

  public ServiceUnavailableException(
      String message, Throwable cause, Optional<Duration> retryAfter) {
    super(message, cause, retryAfter);
  }
}
