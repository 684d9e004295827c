package io.conclave.runtime.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * A call to a model or another service that failed, classified where it failed: whether the same
 * call may succeed if tried again. Retry policies retry only {@linkplain #retryable() retryable}
 * failures; a failure that is not fails the step at once (its saga compensates).
 */
public sealed interface CallFailure
    permits RetryableCallException,
        CallRejectedException,
        MalformedAnswerException,
        BudgetExceededException {
  /** Whether the same call may succeed if tried again later. */
  boolean retryable();

  /**
   * How long the service asked callers to wait before trying again ({@code Retry-After}), if it
   * said.
   */
  default Optional<Duration> retryAfter() {
    return Optional.empty();
  }
}
