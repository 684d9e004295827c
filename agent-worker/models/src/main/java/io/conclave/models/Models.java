package io.conclave.models;

import io.conclave.agent.LlmClient;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import io.conclave.runtime.resilience.CallPipeline;
import io.conclave.runtime.resilience.CallPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model a worker's agents ask, from its settings. Without {@code conclave.llm.base-url} ({@code
 * CONCLAVE_LLM_BASE_URL}) the {@linkplain OfflineModel offline model}, so Conclave runs with no
 * network; with it, an {@link OpenAiChatModel} ({@code conclave.llm.model}, {@code
 * conclave.llm.api-key}), one client per endpoint, behind one {@link CallPipeline} per agent type
 * the worker hosts. Every type's pipeline has the same settings, each counted for that type alone:
 * {@code conclave.llm.timeout-ms}, {@code max-attempts}, {@code backoff-ms}, {@code
 * breaker-failures}, {@code breaker-window}, {@code breaker-delay-ms}, {@code breaker-period-ms} (a
 * time-based breaker: that many failures within the period, of at least {@code breaker-window}
 * calls), {@code max-concurrent}, {@code rate-per-second}. The model falls back to the offline
 * model if {@code conclave.llm.fallback} is {@code offline} (default {@code none}: the step fails
 * and its saga compensates).
 */
public final class Models {
  private static final Logger log = LoggerFactory.getLogger(Models.class);

  private static final CallPolicy D = CallPolicy.DEFAULTS;
  private static final Setting OFFLINE_LATENCY =
      Setting.of("conclave.offline.latency-ms", "CONCLAVE_OFFLINE_LATENCY_MS", 0);
  private static final Setting BASE_URL =
      Setting.of("conclave.llm.base-url", "CONCLAVE_LLM_BASE_URL", "");
  private static final Setting MODEL = Setting.of("conclave.llm.model", "CONCLAVE_LLM_MODEL", "");
  private static final Setting API_KEY =
      Setting.of("conclave.llm.api-key", "CONCLAVE_LLM_API_KEY", "");
  private static final Setting TIMEOUT =
      Setting.of("conclave.llm.timeout-ms", "CONCLAVE_LLM_TIMEOUT_MS", D.timeout().toMillis());
  private static final Setting MAX_ATTEMPTS =
      Setting.of("conclave.llm.max-attempts", "CONCLAVE_LLM_MAX_ATTEMPTS", D.maxAttempts());
  private static final Setting BACKOFF =
      Setting.of("conclave.llm.backoff-ms", "CONCLAVE_LLM_BACKOFF_MS", D.backoff().toMillis());
  private static final Setting BREAKER_FAILURES =
      Setting.of(
          "conclave.llm.breaker-failures", "CONCLAVE_LLM_BREAKER_FAILURES", D.breakerFailures());
  private static final Setting BREAKER_WINDOW =
      Setting.of("conclave.llm.breaker-window", "CONCLAVE_LLM_BREAKER_WINDOW", D.breakerWindow());
  private static final Setting BREAKER_DELAY =
      Setting.of(
          "conclave.llm.breaker-delay-ms",
          "CONCLAVE_LLM_BREAKER_DELAY_MS",
          D.breakerDelay().toMillis());
  private static final Setting BREAKER_PERIOD =
      Setting.of(
          "conclave.llm.breaker-period-ms",
          "CONCLAVE_LLM_BREAKER_PERIOD_MS",
          D.breakerPeriod().toMillis());
  private static final Setting MAX_CONCURRENT =
      Setting.of("conclave.llm.max-concurrent", "CONCLAVE_LLM_MAX_CONCURRENT", D.maxConcurrent());
  private static final Setting RATE_PER_SECOND =
      Setting.of("conclave.llm.rate-per-second", "CONCLAVE_LLM_RATE_PER_SECOND", D.ratePerSecond());
  private static final Setting FALLBACK =
      Setting.of("conclave.llm.fallback", "CONCLAVE_LLM_FALLBACK", "none");
  private static final Setting PRICE_INPUT =
      Setting.of("conclave.llm.price.input-per-million", "CONCLAVE_LLM_PRICE_INPUT_PER_MILLION", 0);
  private static final Setting PRICE_OUTPUT =
      Setting.of(
          "conclave.llm.price.output-per-million", "CONCLAVE_LLM_PRICE_OUTPUT_PER_MILLION", 0);
  private static final Setting RECORD_BODIES =
      Setting.of("conclave.llm.record-bodies", "CONCLAVE_LLM_RECORD_BODIES", true);

  /** The settings of the models, their call pipelines and the call ledger. */
  public static final List<Setting> SETTINGS =
      List.of(
          OFFLINE_LATENCY,
          BASE_URL,
          MODEL,
          API_KEY,
          TIMEOUT,
          MAX_ATTEMPTS,
          BACKOFF,
          BREAKER_FAILURES,
          BREAKER_WINDOW,
          BREAKER_DELAY,
          BREAKER_PERIOD,
          MAX_CONCURRENT,
          RATE_PER_SECOND,
          FALLBACK,
          PRICE_INPUT,
          PRICE_OUTPUT,
          RECORD_BODIES);

  private Models() {}

  /**
   * The call ledger's rules: {@code conclave.llm.price.input-per-million} and {@code
   * output-per-million} (micro-units of currency per million tokens of {@code model}, default 0)
   * and {@code conclave.llm.record-bodies} ({@code true}; {@code false} records prompts and answers
   * as SHA-256 only). Budgets are the shard leaders' settings ({@code ConclaveSettings.budgets()}):
   * a step's allowance comes with its command.
   */
  public static CallLedger ledger(EnvironmentLookup env, String model) {
    var price = new CallLedger.Price(env.integer(PRICE_INPUT), env.integer(PRICE_OUTPUT));
    return new CallLedger(
        java.util.Map.of(model, price), Boolean.parseBoolean(env.get(RECORD_BODIES)));
  }

  /**
   * The name of the model the settings configure: {@code conclave.llm.model}, or the offline
   * model's.
   */
  public static String modelName(EnvironmentLookup env) {
    if (env.get(BASE_URL).isEmpty()) {
      return OfflineModel.NAME;
    }
    String name = env.get(MODEL);
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          BASE_URL.property()
              + " is set but "
              + MODEL.names()
              + " "
              + "is not: name the model to ask");
    }
    return name;
  }

  /**
   * The name of {@code agentType}'s breaker for {@code model}: {@code model:<model>/<agentType>}.
   */
  public static String breakerName(String model, String agentType) {
    return "model:" + model + "/" + agentType;
  }

  /**
   * The model each of {@code agentTypes} asks, in their order. For a model server, every type gets
   * a pipeline of its own (breaker, bulkhead, rate limiter, retry, timeout) in front of the one
   * HTTP client of the endpoint: a type whose prompts make the model fail opens only its own
   * breaker, and the others go on calling. Build them once per process and share each with all the
   * agents (partitions) of its type.
   *
   * @param breakers the listener of each agent type's breaker transitions
   * @param metrics where the model's calls and breaker states are measured ({@link ResilientModel})
   * @return the model of each agent type; the same offline model for all without a model server
   */
  public static Map<String, LlmClient> fromEnvironment(
      EnvironmentLookup env,
      Clock clock,
      List<String> agentTypes,
      Function<String, CallPipeline.BreakerListener> breakers,
      MeterRegistry metrics) {
    OfflineModel offline = new OfflineModel(env.millis(OFFLINE_LATENCY));
    String baseUrl = env.get(BASE_URL);
    Map<String, LlmClient> models = new LinkedHashMap<>();
    if (baseUrl.isEmpty()) {
      agentTypes.forEach(type -> models.put(type, offline));
      return Collections.unmodifiableMap(models);
    }
    String name = modelName(env);
    Duration timeout = env.millis(TIMEOUT);
    CallPolicy policy =
        new CallPolicy(
            timeout,
            env.integer(MAX_ATTEMPTS),
            env.millis(BACKOFF),
            D.maxBackoff(),
            D.maxRetryAfter(),
            env.integer(BREAKER_FAILURES),
            env.integer(BREAKER_WINDOW),
            env.millis(BREAKER_DELAY),
            D.breakerProbes(),
            env.integer(MAX_CONCURRENT),
            env.integer(RATE_PER_SECOND),
            timeout,
            env.millis(BREAKER_PERIOD));
    String fallback = env.get(FALLBACK);
    if (!fallback.equals("none") && !fallback.equals("offline")) {
      throw new IllegalArgumentException(
          FALLBACK.names() + " must be none or offline, was '" + fallback + "'");
    }
    var model =
        new OpenAiChatModel(
            URI.create(baseUrl), name, Optional.of(env.get(API_KEY)), timeout, clock);
    log.info(
        "agents ask {} at {} (per agent type {}: timeout {}, {} attempts, breaker {} of {} for {}, {} at a "
            + "time{}; fallback {})",
        name,
        baseUrl,
        agentTypes,
        policy.timeout(),
        policy.maxAttempts(),
        policy.breakerFailures(),
        policy.breakerWindow(),
        policy.breakerDelay(),
        policy.maxConcurrent(),
        policy.ratePerSecond() > 0 ? ", " + policy.ratePerSecond() + "/s" : "",
        fallback);
    Optional<LlmClient> fallbackModel =
        fallback.equals("offline") ? Optional.of(offline) : Optional.empty();
    for (String type : agentTypes) {
      var pipeline = new CallPipeline(breakerName(name, type), policy, breakers.apply(type));
      models.put(type, new ResilientModel(model, type, pipeline, fallbackModel, metrics));
    }
    return Collections.unmodifiableMap(models);
  }

  /**
   * The model {@code agentType} asks, as {@link #fromEnvironment} builds it for that one type: a
   * {@link ResilientModel} with a pipeline of its own for a model server, the offline model without
   * one. For a service that asks a model outside the worker (the coordinator's planner); its
   * breaker's transitions are logged only. Close its {@linkplain ResilientModel#pipeline()
   * pipeline} when done.
   */
  public static LlmClient client(
      EnvironmentLookup env, Clock clock, String agentType, MeterRegistry metrics) {
    return fromEnvironment(
            env,
            clock,
            List.of(agentType),
            type ->
                (breaker, from, to) ->
                    log.info("model breaker {} of {}: {} -> {}", breaker, type, from, to),
            metrics)
        .get(agentType);
  }
}
