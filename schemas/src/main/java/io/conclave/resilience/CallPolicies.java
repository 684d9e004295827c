package io.conclave.resilience;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import java.time.Duration;

/**
 * The Failsafe policies around a model or agent call, built once per downstream and shared.
 * Outer to inner: retry (exponential backoff with jitter), timeout, call. An {@link IllegalArgumentException}
 * means the input can never succeed and is not retried.
 */
public final class CallPolicies {
  private CallPolicies() {}

  public static <T> FailsafeExecutor<T> standard(Duration callTimeout, int maxRetries) {
    RetryPolicy<T> retry = RetryPolicy.<T>builder()
        .handle(RuntimeException.class)
        .abortOn(IllegalArgumentException.class)
        .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
        .withJitter(0.2)
        .withMaxRetries(maxRetries)
        .build();
    return Failsafe.with(retry, Timeout.<T>of(callTimeout));
  }
}
