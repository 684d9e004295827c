package io.conclave.runtime.resilience;

import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The settings of one kind of downstream's call pipelines, all under one prefix: {@code
 * <prefix>.timeout-ms}, {@code max-attempts}, {@code backoff-ms}, {@code breaker-failures}, {@code
 * breaker-window}, {@code breaker-delay-ms}, {@code breaker-period-ms}, {@code max-concurrent} and
 * {@code rate-per-second}, each with its environment variable ({@code conclave.llm.timeout-ms}:
 * {@code CONCLAVE_LLM_TIMEOUT_MS}). The models ({@code conclave.llm}) and the remote agents ({@code
 * conclave.remote}) read theirs so.
 */
public record CallPolicySettings(
    Setting timeout,
    Setting maxAttempts,
    Setting backoff,
    Setting breakerFailures,
    Setting breakerWindow,
    Setting breakerDelay,
    Setting breakerPeriod,
    Setting maxConcurrent,
    Setting ratePerSecond) {

  /** The settings under {@code prefix}, defaulting to {@code defaults}. */
  public static CallPolicySettings of(String prefix, CallPolicy defaults) {
    return new CallPolicySettings(
        setting(prefix, "timeout-ms", defaults.timeout().toMillis()),
        setting(prefix, "max-attempts", defaults.maxAttempts()),
        setting(prefix, "backoff-ms", defaults.backoff().toMillis()),
        setting(prefix, "breaker-failures", defaults.breakerFailures()),
        setting(prefix, "breaker-window", defaults.breakerWindow()),
        setting(prefix, "breaker-delay-ms", defaults.breakerDelay().toMillis()),
        setting(prefix, "breaker-period-ms", defaults.breakerPeriod().toMillis()),
        setting(prefix, "max-concurrent", defaults.maxConcurrent()),
        setting(prefix, "rate-per-second", defaults.ratePerSecond()));
  }

  private static Setting setting(String prefix, String name, Object fallback) {
    String property = prefix + "." + name;
    return Setting.of(
        property, property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), fallback);
  }

  public List<Setting> all() {
    return List.of(
        timeout,
        maxAttempts,
        backoff,
        breakerFailures,
        breakerWindow,
        breakerDelay,
        breakerPeriod,
        maxConcurrent,
        ratePerSecond);
  }

  /**
   * The policy {@code env} sets: each call bounded by the timeout (and waiting for a permit no
   * longer), the backoff growing to {@link CallPolicy#DEFAULTS}' maximum or the first backoff if
   * that is longer.
   *
   * @throws IllegalArgumentException if a setting is malformed, naming it
   */
  public CallPolicy policy(EnvironmentLookup env) {
    CallPolicy d = CallPolicy.DEFAULTS;
    Duration timeout = env.millis(this.timeout);
    Duration backoff = env.millis(this.backoff);
    return new CallPolicy(
        timeout,
        env.integer(maxAttempts),
        backoff,
        backoff.compareTo(d.maxBackoff()) > 0 ? backoff : d.maxBackoff(),
        d.maxRetryAfter(),
        env.integer(breakerFailures),
        env.integer(breakerWindow),
        env.millis(breakerDelay),
        d.breakerProbes(),
        env.integer(maxConcurrent),
        env.integer(ratePerSecond),
        timeout,
        env.millis(breakerPeriod));
  }
}
