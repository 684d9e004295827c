package io.conclave.runtime.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How calls to one downstream (a model endpoint, an agent type) are protected: each attempt bounded
 * by {@code timeout}; up to {@code maxAttempts} attempts for {@linkplain CallFailure#retryable()
 * retryable} failures, waiting {@code backoff}, doubling up to {@code maxBackoff} (with 20 %
 * jitter), or what the service's {@code Retry-After} says if it says at most {@code maxRetryAfter}
 * (a longer wait fails the call instead); a circuit breaker that opens when {@code breakerFailures}
 * of the last {@code breakerWindow} calls failed (count-based), or, with a {@code breakerPeriod},
 * when {@code breakerFailures} calls failed within that period out of at least {@code
 * breakerWindow} calls (time-based), stays open for {@code breakerDelay}, then lets calls through
 * half-open and closes after {@code breakerProbes} successes; a bulkhead of {@code maxConcurrent}
 * calls at a time; and at most {@code ratePerSecond} calls a second (0: no limit). A call waits at
 * most {@code maxWait} for the bulkhead or the rate limiter, then fails as unavailable. Immutable.
 */
public record CallPolicy(
    Duration timeout,
    int maxAttempts,
    Duration backoff,
    Duration maxBackoff,
    Duration maxRetryAfter,
    int breakerFailures,
    int breakerWindow,
    Duration breakerDelay,
    int breakerProbes,
    int maxConcurrent,
    int ratePerSecond,
    Duration maxWait,
    Duration breakerPeriod) {
  /**
   * 30 s per attempt, 3 attempts from 200 ms to 5 s, Retry-After up to 30 s, breaker 5 of 10 for 30
   * s, 2 probes.
   */
  public static final CallPolicy DEFAULTS =
      new CallPolicy(
          Duration.ofSeconds(30),
          3,
          Duration.ofMillis(200),
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          5,
          10,
          Duration.ofSeconds(30),
          2,
          16,
          0,
          Duration.ofSeconds(30),
          Duration.ZERO);

  /** A policy whose breaker is count-based. */
  public CallPolicy(
      Duration timeout,
      int maxAttempts,
      Duration backoff,
      Duration maxBackoff,
      Duration maxRetryAfter,
      int breakerFailures,
      int breakerWindow,
      Duration breakerDelay,
      int breakerProbes,
      int maxConcurrent,
      int ratePerSecond,
      Duration maxWait) {
    this(
        timeout,
        maxAttempts,
        backoff,
        maxBackoff,
        maxRetryAfter,
        breakerFailures,
        breakerWindow,
        breakerDelay,
        breakerProbes,
        maxConcurrent,
        ratePerSecond,
        maxWait,
        Duration.ZERO);
  }

  /** The same policy with a time-based breaker over {@code period} (zero: count-based). */
  public CallPolicy withBreakerPeriod(Duration period) {
    return new CallPolicy(
        timeout,
        maxAttempts,
        backoff,
        maxBackoff,
        maxRetryAfter,
        breakerFailures,
        breakerWindow,
        breakerDelay,
        breakerProbes,
        maxConcurrent,
        ratePerSecond,
        maxWait,
        period);
  }

  public CallPolicy {
    positive(timeout, "timeout");
    positive(backoff, "backoff");
    positive(breakerDelay, "breakerDelay");
    if (Objects.requireNonNull(maxBackoff, "maxBackoff").compareTo(backoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff " + maxBackoff + " is shorter than backoff " + backoff);
    }
    if (Objects.requireNonNull(maxRetryAfter, "maxRetryAfter").isNegative()
        || Objects.requireNonNull(maxWait, "maxWait").isNegative()
        || Objects.requireNonNull(breakerPeriod, "breakerPeriod").isNegative()) {
      throw new IllegalArgumentException(
          "maxRetryAfter, maxWait and breakerPeriod must not be negative");
    }
    if (maxAttempts < 1 || breakerProbes < 1 || maxConcurrent < 1 || ratePerSecond < 0) {
      throw new IllegalArgumentException(
          "maxAttempts, breakerProbes and maxConcurrent must be >= 1 and " + "ratePerSecond >= 0");
    }
    if (breakerFailures < 1 || breakerWindow < breakerFailures) {
      throw new IllegalArgumentException(
          "the breaker opens after breakerFailures (>= 1) of the last breakerWindow "
              + "(>= breakerFailures) calls, was "
              + breakerFailures
              + " of "
              + breakerWindow);
    }
  }

  private static void positive(Duration d, String name) {
    if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /**
   * The wait before attempt {@code attempt + 1} after {@code failure}: the service's {@code
   * Retry-After} if it gave one, else the backoff doubled per attempt so far, capped, times {@code
   * jitter} (0.8 to 1.2).
   */
  public Duration delayAfter(Throwable failure, int attempt, double jitter) {
    if (failure instanceof CallFailure f && f.retryAfter().isPresent()) {
      return f.retryAfter().get();
    }
    long millis = backoff.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
    return Duration.ofMillis(Math.round(Math.min(millis, maxBackoff.toMillis()) * jitter));
  }
}
