package io.conclave.runtime.resilience;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import java.time.Duration;

/**
 * The Failsafe policies around a model or agent call, built once per downstream and shared. Outer
 * to inner: retry (exponential backoff with jitter), timeout, call. An {@link
 * IllegalArgumentException} means the input can never succeed and is not retried.
 */
public final class CallPolicies {
  private CallPolicies() {}

  public static <T> FailsafeExecutor<T> standard(Duration callTimeout, int maxRetries) {
    RetryPolicy<T> retry =
        RetryPolicy.<T>builder()
            .handle(RuntimeException.class)
            .abortOn(IllegalArgumentException.class)
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
            .withJitter(0.2)
            .withMaxRetries(maxRetries)
            .build();
    return Failsafe.with(retry, Timeout.<T>of(callTimeout));
  }

  /**
   * The policies of one saga step: {@code maxAttempts} attempts with exponential backoff from
   * {@code backoff} (with jitter), each bounded by {@code attemptTimeout}, after which the agent's
   * thread is interrupted. A {@link CallFailure} (a model's pipeline gave up) is not retried: the
   * step fails and its saga compensates.
   */
  public static <T> FailsafeExecutor<T> forStep(
      Duration attemptTimeout, int maxAttempts, Duration backoff) {
    Duration first = backoff.isZero() ? Duration.ofMillis(1) : backoff;
    RetryPolicy<T> retry =
        RetryPolicy.<T>builder()
            .handle(RuntimeException.class)
            .abortOn(IllegalArgumentException.class)
            // a protected call (a model behind its CallPipeline) has had its own retries, or its
            // breaker is open: trying the whole step again would multiply the calls to a service
            // already failing
            .abortOn(failure -> failure instanceof CallFailure)
            .withBackoff(first, first.multipliedBy(32))
            .withJitter(0.2)
            .withMaxAttempts(maxAttempts)
            .build();
    return Failsafe.with(retry, Timeout.<T>builder(attemptTimeout).withInterrupt().build());
  }
}
