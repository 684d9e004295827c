package io.conclave.runtime.resilience;

import dev.failsafe.Bulkhead;
import dev.failsafe.BulkheadFullException;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.Policy;
import dev.failsafe.RateLimitExceededException;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import dev.failsafe.function.CheckedSupplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Failsafe pipeline of one downstream as one kind of caller uses it (a worker builds one per
 * model endpoint and per agent type), built once and shared by every caller of that kind, so that
 * its circuit breaker, bulkhead and rate limiter see all of their calls, and only theirs. Outer to
 * inner: retry (only {@linkplain CallFailure#retryable() retryable} failures and timeouts,
 * honouring {@code Retry-After}), circuit breaker (a client's own mistakes, {@link
 * CallRejectedException}, do not count against the service), rate limiter, bulkhead, timeout
 * (interrupting the call). What it throws is a {@link CallFailure}: Failsafe's own refusals become
 * {@link ServiceUnavailableException}s that say which protection refused the call.
 *
 * <p>An open breaker half-opens by itself once its delay has passed, whether or not a call comes:
 * callers that stop calling while it is open (a worker holds its commands, a shard leader may stop
 * dispatching to the type) would otherwise never let a call probe the service again. {@link
 * #close()} stops that. Thread-safe.
 */
public final class CallPipeline implements AutoCloseable {
  /**
   * Hears a pipeline's circuit breaker change state; called on the thread of the call that changed
   * it, or on the pipelines' scheduler thread when an open breaker half-opens by itself.
   */
  @FunctionalInterface
  public interface BreakerListener {
    void changed(String pipeline, CircuitBreaker.State from, CircuitBreaker.State to);
  }

  /**
   * Half-opens the open breakers of every pipeline of the process: one daemon thread, whose tasks
   * only move a breaker's state (and call its listener), so it never holds a process open nor waits
   * for a call.
   */
  private static final ScheduledExecutorService HALF_OPENER = halfOpener();

  private final String name;
  private final CallPolicy policy;
  private final CircuitBreaker<Object> breaker;
  private final FailsafeExecutor<Object> executor;

  /**
   * Counts the breaker's openings, so that a half-open scheduled for one opening does not cut a
   * later one short.
   */
  private final AtomicLong openings = new AtomicLong();

  private volatile ScheduledFuture<?> halfOpening;
  private volatile boolean closed;

  /**
   * @param name what the pipeline protects, for whom, e.g. {@code model:gpt-4o-mini/research}
   * @param listener hears every transition of the breaker
   */
  public CallPipeline(String name, CallPolicy policy, BreakerListener listener) {
    this.name = Objects.requireNonNull(name, "name");
    this.policy = Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(listener, "listener");
    RetryPolicy<Object> retry =
        RetryPolicy.builder()
            .handleIf(CallPipeline::retryable)
            .abortIf(
                (result, failure) ->
                    failure instanceof CallFailure f
                        && f.retryAfter()
                            .filter(wait -> wait.compareTo(policy.maxRetryAfter()) > 0)
                            .isPresent())
            .withDelayFn(
                ctx ->
                    policy.delayAfter(
                        ctx.getLastException(),
                        ctx.getAttemptCount(),
                        0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()))
            .withMaxAttempts(policy.maxAttempts())
            .build();
    var breakerBuilder =
        CircuitBreaker.builder().handleIf(failure -> !(failure instanceof CallRejectedException));
    if (policy.breakerPeriod().isZero()) {
      breakerBuilder.withFailureThreshold(policy.breakerFailures(), policy.breakerWindow());
    } else {
      // time-based: this many failures within the period, once the period has seen at least
      // breakerWindow calls
      breakerBuilder.withFailureThreshold(
          policy.breakerFailures(), policy.breakerWindow(), policy.breakerPeriod());
    }
    this.breaker =
        breakerBuilder
            .withDelay(policy.breakerDelay())
            .withSuccessThreshold(policy.breakerProbes())
            .onOpen(
                e -> {
                  scheduleHalfOpen(openings.incrementAndGet());
                  listener.changed(name, e.getPreviousState(), CircuitBreaker.State.OPEN);
                })
            .onHalfOpen(
                e -> listener.changed(name, e.getPreviousState(), CircuitBreaker.State.HALF_OPEN))
            .onClose(e -> listener.changed(name, e.getPreviousState(), CircuitBreaker.State.CLOSED))
            .build();
    List<Policy<Object>> policies = new ArrayList<>(List.of(retry, breaker));
    if (policy.ratePerSecond() > 0) {
      policies.add(
          RateLimiter.smoothBuilder(policy.ratePerSecond(), Duration.ofSeconds(1))
              .withMaxWaitTime(policy.maxWait())
              .build());
    }
    policies.add(
        Bulkhead.builder(policy.maxConcurrent()).withMaxWaitTime(policy.maxWait()).build());
    policies.add(Timeout.builder(policy.timeout()).withInterrupt().build());
    this.executor = Failsafe.with(policies);
  }

  private static ScheduledExecutorService halfOpener() {
    var executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = Executors.defaultThreadFactory().newThread(task);
              thread.setName("conclave-breaker-half-opener");
              thread.setDaemon(true);
              return thread;
            });
    // a closed pipeline's cancelled task goes at once instead of keeping the pipeline reachable
    // until its delay
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /**
   * Half-opens the breaker once the remaining delay of its {@code opening}-th opening has passed.
   */
  private void scheduleHalfOpen(long opening) {
    if (closed) {
      return;
    }
    long nanos = Math.max(1, breaker.getRemainingDelay().toNanos());
    halfOpening = HALF_OPENER.schedule(() -> halfOpenIfDue(opening), nanos, TimeUnit.NANOSECONDS);
  }

  private void halfOpenIfDue(long opening) {
    // a call may have half-opened it already (and closed or reopened it): only the opening this
    // task was for, and only once its delay has passed. A call reopening it between this check and
    // halfOpen() would let one probe through early: harmless, and the breaker opens again if the
    // service still fails.
    if (closed || !breaker.isOpen() || openings.get() != opening) {
      return;
    }
    if (breaker.getRemainingDelay().toNanos() > 0) {
      scheduleHalfOpen(opening);
    } else {
      breaker.halfOpen();
    }
  }

  private static boolean retryable(Throwable failure) {
    return failure instanceof CallFailure f
        ? f.retryable()
        : failure instanceof TimeoutExceededException;
  }

  public String name() {
    return name;
  }

  public CallPolicy policy() {
    return policy;
  }

  /**
   * The breaker, for its state and, in tests and operations, Failsafe's controls ({@code open()},
   * ...).
   */
  public CircuitBreaker<Object> breaker() {
    return breaker;
  }

  /**
   * Stops half-opening the breaker by itself (the pipeline still admits calls as its breaker
   * allows): for a process that is shutting down, whose listener must hear nothing more.
   */
  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> pending = halfOpening;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  /**
   * Whether the breaker is open and still refusing calls (its delay has not passed): a call now
   * would fail at once.
   */
  public boolean refusing() {
    return breaker.isOpen() && breaker.getRemainingDelay().toNanos() > 0;
  }

  /**
   * Runs {@code call} through the pipeline.
   *
   * @throws CallRejectedException if the service refused the call itself (not retried)
   * @throws MalformedAnswerException if it answered nonsense (not retried)
   * @throws ServiceUnavailableException or {@link RateLimitedException} once the attempts are
   *     spent, or when the breaker is open, the bulkhead full, the rate limit reached
   */
  @SuppressWarnings("unchecked")
  public <T> T call(CheckedSupplier<T> call) {
    try {
      return (T) executor.get(call::get);
    } catch (CircuitBreakerOpenException e) {
      throw new ServiceUnavailableException(
          name
              + ": circuit breaker open after repeated failures; not called "
              + "(half-open in at most "
              + policy.breakerDelay()
              + ")",
          e,
          Optional.of(policy.breakerDelay()));
    } catch (BulkheadFullException e) {
      throw new ServiceUnavailableException(
          name
              + ": "
              + policy.maxConcurrent()
              + " calls already running; none "
              + "ended within "
              + policy.maxWait(),
          e);
    } catch (RateLimitExceededException e) {
      throw new ServiceUnavailableException(
          name + ": rate limit of " + policy.ratePerSecond() + " calls a second " + "reached", e);
    } catch (TimeoutExceededException e) {
      throw new ServiceUnavailableException(
          name
              + ": no answer within "
              + policy.timeout()
              + " (attempts: "
              + policy.maxAttempts()
              + ")",
          e);
    } catch (FailsafeException e) {
      // a checked exception of the call, e.g. an IOException the call did not classify
      throw new ServiceUnavailableException(name + ": " + e.getCause(), e.getCause());
    }
  }
}
