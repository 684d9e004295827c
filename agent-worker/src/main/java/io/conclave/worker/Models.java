package io.conclave.worker;

import io.conclave.kafka.EnvironmentLookup;
import io.conclave.resilience.CallPipeline;
import io.conclave.resilience.CallPolicy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model a worker's agents ask, from its settings. Without {@code conclave.llm.base-url}
 * ({@code CONCLAVE_LLM_BASE_URL}) the {@linkplain OfflineModel offline model}, so Conclave runs with no network;
 * with it, an {@link OpenAiChatModel} ({@code conclave.llm.model}, {@code conclave.llm.api-key}) behind its
 * {@link CallPipeline} (settings {@code conclave.llm.timeout-ms}, {@code max-attempts}, {@code backoff-ms},
 * {@code breaker-failures}, {@code breaker-window}, {@code breaker-delay-ms}, {@code breaker-period-ms} (a
 * time-based breaker: that many failures within the period, of at least {@code breaker-window} calls), {@code max-concurrent},
 * {@code rate-per-second}), falling back to the offline model if {@code conclave.llm.fallback} is {@code offline}
 * (default {@code none}: the step fails and its saga compensates).
 */
public final class Models {
  private static final Logger log = LoggerFactory.getLogger(Models.class);

  private Models() {}

  /**
   * The call ledger's rules: {@code conclave.llm.price.input-per-million} and {@code output-per-million} (micro-units
   * of currency per million tokens of {@code model}, default 0) and {@code conclave.llm.record-bodies} ({@code true};
   * {@code false} records prompts and answers as SHA-256 only). Budgets are the shard leaders' settings
   * ({@code ConclaveSettings.budgets()}): a step's allowance comes with its command.
   */
  public static CallLedger ledger(EnvironmentLookup env, String model) {
    var price = new CallLedger.Price(
        env.integer("conclave.llm.price.input-per-million", "CONCLAVE_LLM_PRICE_INPUT_PER_MILLION", 0),
        env.integer("conclave.llm.price.output-per-million", "CONCLAVE_LLM_PRICE_OUTPUT_PER_MILLION", 0));
    return new CallLedger(java.util.Map.of(model, price),
        Boolean.parseBoolean(env.get("conclave.llm.record-bodies", "CONCLAVE_LLM_RECORD_BODIES", "true")));
  }

  /**
   * @param breakers hears the transitions of the model's circuit breaker
   * @param metrics  where the model's calls and breaker state are measured
   */
  public static LlmClient fromEnvironment(EnvironmentLookup env, Clock clock, CallPipeline.BreakerListener breakers,
                                          WorkerMetrics metrics) {
    OfflineModel offline = new OfflineModel(env.millis("conclave.offline.latency-ms", "CONCLAVE_OFFLINE_LATENCY_MS",
        Duration.ZERO));
    String baseUrl = env.get("conclave.llm.base-url", "CONCLAVE_LLM_BASE_URL", "");
    if (baseUrl.isEmpty()) {
      return offline;
    }
    String name = env.get("conclave.llm.model", "CONCLAVE_LLM_MODEL", "");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("conclave.llm.base-url is set but conclave.llm.model / CONCLAVE_LLM_MODEL "
          + "is not: name the model to ask");
    }
    CallPolicy d = CallPolicy.DEFAULTS;
    Duration timeout = env.millis("conclave.llm.timeout-ms", "CONCLAVE_LLM_TIMEOUT_MS", d.timeout());
    CallPolicy policy = new CallPolicy(timeout,
        env.integer("conclave.llm.max-attempts", "CONCLAVE_LLM_MAX_ATTEMPTS", d.maxAttempts()),
        env.millis("conclave.llm.backoff-ms", "CONCLAVE_LLM_BACKOFF_MS", d.backoff()), d.maxBackoff(),
        d.maxRetryAfter(),
        env.integer("conclave.llm.breaker-failures", "CONCLAVE_LLM_BREAKER_FAILURES", d.breakerFailures()),
        env.integer("conclave.llm.breaker-window", "CONCLAVE_LLM_BREAKER_WINDOW", d.breakerWindow()),
        env.millis("conclave.llm.breaker-delay-ms", "CONCLAVE_LLM_BREAKER_DELAY_MS", d.breakerDelay()),
        d.breakerProbes(),
        env.integer("conclave.llm.max-concurrent", "CONCLAVE_LLM_MAX_CONCURRENT", d.maxConcurrent()),
        env.integer("conclave.llm.rate-per-second", "CONCLAVE_LLM_RATE_PER_SECOND", d.ratePerSecond()), timeout,
        env.millis("conclave.llm.breaker-period-ms", "CONCLAVE_LLM_BREAKER_PERIOD_MS", d.breakerPeriod()));
    String fallback = env.get("conclave.llm.fallback", "CONCLAVE_LLM_FALLBACK", "none");
    if (!fallback.equals("none") && !fallback.equals("offline")) {
      throw new IllegalArgumentException("conclave.llm.fallback / CONCLAVE_LLM_FALLBACK must be none or offline, was '"
          + fallback + "'");
    }
    var model = new OpenAiChatModel(URI.create(baseUrl), name,
        Optional.of(env.get("conclave.llm.api-key", "CONCLAVE_LLM_API_KEY", "")), timeout, clock);
    log.info("agents ask {} at {} (timeout {}, {} attempts, breaker {} of {} for {}, {} at a time{}; fallback {})",
        name, baseUrl, policy.timeout(), policy.maxAttempts(), policy.breakerFailures(), policy.breakerWindow(),
        policy.breakerDelay(), policy.maxConcurrent(),
        policy.ratePerSecond() > 0 ? ", " + policy.ratePerSecond() + "/s" : "", fallback);
    var pipeline = new CallPipeline("model:" + name, policy, breakers);
    metrics.watch(pipeline);
    return new ResilientModel(model, pipeline, fallback.equals("offline") ? Optional.of(offline) : Optional.empty(),
        metrics.registry());
  }

}
