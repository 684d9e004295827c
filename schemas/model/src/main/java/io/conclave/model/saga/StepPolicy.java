package io.conclave.model.saga;

import io.conclave.model.Require;
import java.time.Duration;

/**
 * How long a saga step may take and how often it is tried.
 *
 * @param timeout the step's deadline, counted from its dispatch: a step that has not completed by
 *     then fails and the saga compensates. {@link Duration#ZERO} sets no deadline
 * @param maxAttempts how many times the worker runs the step before it fails (and, for its
 *     compensation, how many times the compensation is tried before it is parked on the dead-letter
 *     topic)
 * @param backoff the wait before the second attempt; it doubles for each further one (the worker
 *     adds jitter to a step's retries; the shard leader waits {@link #backoffAfter} between
 *     compensation attempts)
 */
public record StepPolicy(Duration timeout, int maxAttempts, Duration backoff) {
  /** The most attempts a policy may ask for. */
  public static final int MAX_ATTEMPTS = 100;

  /**
   * The longest timeout: deadlines are instants, and one far beyond any saga's life would overflow
   * them.
   */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(365);

  /**
   * The longest backoff: {@link #backoffAfter} doubles it, which must not overflow (the wait is
   * capped anyway).
   */
  public static final Duration MAX_BACKOFF = Duration.ofHours(1);

  // after the bounds above: the constructor checks against them
  /** No deadline, three attempts, 100 ms backoff. */
  public static final StepPolicy DEFAULT = new StepPolicy(Duration.ZERO, 3, Duration.ofMillis(100));

  public StepPolicy {
    Require.present(timeout, "timeout");
    Require.present(backoff, "backoff");
    if (timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "timeout must be between 0 and " + MAX_TIMEOUT.toDays() + " days, was " + timeout);
    }
    if (backoff.isNegative() || backoff.compareTo(MAX_BACKOFF) > 0) {
      throw new IllegalArgumentException(
          "backoff must be between 0 and " + MAX_BACKOFF.toHours() + " hour, was " + backoff);
    }
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException(
          "maxAttempts must be between 1 and " + MAX_ATTEMPTS + ", was " + maxAttempts);
    }
  }

  public boolean hasDeadline() {
    return !timeout.isZero();
  }

  public StepPolicy withTimeout(Duration t) {
    return new StepPolicy(t, maxAttempts, backoff);
  }

  public StepPolicy withRetries(int attempts, Duration wait) {
    return new StepPolicy(timeout, attempts, wait);
  }

  /**
   * The shard leader's wait before attempt {@code attempt + 1} of a compensation, after {@code
   * attempt} failed ones: the backoff (at least 100 ms, so that a failing compensation cannot spin)
   * doubled per failed attempt, at most a minute. No jitter: one leader retries each compensation,
   * there is no herd to spread.
   */
  public Duration backoffAfter(int attempt) {
    Duration base =
        backoff.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : backoff;
    Duration d = base.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 20));
    return d.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : d;
  }
}
