package io.conclave.models;

import io.conclave.agent.LlmClient;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import io.conclave.runtime.resilience.CallPipeline;
import io.conclave.runtime.resilience.CallPolicy;
import io.conclave.runtime.resilience.CallPolicySettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models agents ask, from the settings. Each agent type asks {@code conclave.llm.model} at
 * {@code conclave.llm.base-url} ({@code CONCLAVE_LLM_BASE_URL}) with {@code conclave.llm.api-key},
 * unless {@code conclave.llm.models}, {@code base-urls} or {@code api-keys} name its own ({@code
 * research=gpt-4o,write=gpt-4o-mini}: agent type {@code =} value, comma-separated; {@code =} and
 * not {@code :}, which model names such as {@code llama3.1:8b} and URLs hold). A type with no base
 * URL asks the {@linkplain OfflineModel offline model}, so Conclave runs with no network; one with
 * a base URL an {@link OpenAiChatModel}, one client per endpoint, model and key, behind one {@link
 * CallPipeline} per agent type. Every type's pipeline has the same settings, each counted for that
 * type alone: {@code conclave.llm.timeout-ms}, {@code max-attempts}, {@code backoff-ms}, {@code
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
  private static final Setting MODELS =
      Setting.of("conclave.llm.models", "CONCLAVE_LLM_MODELS", "");
  private static final Setting BASE_URLS =
      Setting.of("conclave.llm.base-urls", "CONCLAVE_LLM_BASE_URLS", "");
  private static final Setting API_KEYS =
      Setting.of("conclave.llm.api-keys", "CONCLAVE_LLM_API_KEYS", "");
  private static final CallPolicySettings PIPELINE = CallPolicySettings.of("conclave.llm", D);
  private static final Setting FALLBACK =
      Setting.of("conclave.llm.fallback", "CONCLAVE_LLM_FALLBACK", "none");
  private static final Setting PRICE_INPUT =
      Setting.of("conclave.llm.price.input-per-million", "CONCLAVE_LLM_PRICE_INPUT_PER_MILLION", 0);
  private static final Setting PRICE_OUTPUT =
      Setting.of(
          "conclave.llm.price.output-per-million", "CONCLAVE_LLM_PRICE_OUTPUT_PER_MILLION", 0);
  private static final Setting PRICES =
      Setting.of("conclave.llm.prices", "CONCLAVE_LLM_PRICES", "");
  private static final Setting RECORD_BODIES =
      Setting.of("conclave.llm.record-bodies", "CONCLAVE_LLM_RECORD_BODIES", true);

  /** The settings of the models, their call pipelines and the call ledger. */
  public static final List<Setting> SETTINGS =
      Stream.concat(
              PIPELINE.all().stream(),
              Stream.of(
                  OFFLINE_LATENCY,
                  BASE_URL,
                  MODEL,
                  API_KEY,
                  MODELS,
                  BASE_URLS,
                  API_KEYS,
                  FALLBACK,
                  PRICE_INPUT,
                  PRICE_OUTPUT,
                  PRICES,
                  RECORD_BODIES))
          .toList();

  private Models() {}

  /**
   * The call ledger's rules: the prices of the models, micro-units of currency per million input
   * and output tokens ({@code conclave.llm.prices}: {@code gpt-4o=2500000/10000000,...}; {@code
   * model}'s, if the table does not have it, {@code conclave.llm.price.input-per-million} and
   * {@code output-per-million}, default 0; a model priced nowhere costs nothing) and {@code
   * conclave.llm.record-bodies} ({@code true}; {@code false} records prompts and answers as SHA-256
   * only). Budgets are the shard leaders' settings ({@code ConclaveSettings.budgets()}): a step's
   * allowance comes with its command.
   */
  public static CallLedger ledger(EnvironmentLookup env, String model) {
    Map<String, CallLedger.Price> prices = new LinkedHashMap<>();
    entries(env, PRICES)
        .forEach(
            (name, price) -> {
              String[] perMillion = price.split("/", -1);
              try {
                if (perMillion.length != 2) {
                  throw new NumberFormatException();
                }
                prices.put(
                    name,
                    new CallLedger.Price(
                        Long.parseLong(perMillion[0].trim()),
                        Long.parseLong(perMillion[1].trim())));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    PRICES.names()
                        + ": the price of "
                        + name
                        + " must be <input>/<output> micro-units per million tokens, was '"
                        + price
                        + "'");
              }
            });
    prices.putIfAbsent(
        model, new CallLedger.Price(env.integer(PRICE_INPUT), env.integer(PRICE_OUTPUT)));
    return new CallLedger(prices, Boolean.parseBoolean(env.get(RECORD_BODIES)));
  }

  /**
   * A setting of {@code key=value} entries, comma-separated, in their order.
   *
   * @throws IllegalArgumentException naming the setting if an entry is not one, or a key repeats
   */
  static Map<String, String> entries(EnvironmentLookup env, Setting setting) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (String entry : env.get(setting).split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String key = eq < 0 ? "" : entry.substring(0, eq).trim();
      String value = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (key.isEmpty() || value.isEmpty()) {
        throw new IllegalArgumentException(
            setting.names()
                + ": entries are key=value, comma-separated; '"
                + entry.trim()
                + "' is not");
      }
      if (entries.put(key, value) != null) {
        throw new IllegalArgumentException(setting.names() + " has " + key + " twice");
      }
    }
    return entries;
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
   * a pipeline of its own (breaker, bulkhead, rate limiter, retry, timeout) in front of the HTTP
   * client of its endpoint and model, which types that ask the same model at the same endpoint
   * share: a type whose prompts make the model fail opens only its own breaker, and the others go
   * on calling. Build them once per process and share each with all the agents (partitions) of its
   * type.
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
    Map<String, String> baseUrls = entries(env, BASE_URLS);
    Map<String, String> names = entries(env, MODELS);
    Map<String, String> keys = entries(env, API_KEYS);
    Map<String, LlmClient> models = new LinkedHashMap<>();
    Map<Endpoint, OpenAiChatModel> clients = new HashMap<>();
    CallPolicy policy = null;
    Optional<LlmClient> fallbackModel = Optional.empty();
    for (String type : agentTypes) {
      String baseUrl = baseUrls.getOrDefault(type, env.get(BASE_URL));
      if (baseUrl.isEmpty()) {
        if (names.containsKey(type)) {
          throw new IllegalArgumentException(
              MODELS.names()
                  + " names a model for "
                  + type
                  + ", but neither "
                  + BASE_URL.property()
                  + " nor "
                  + BASE_URLS.property()
                  + " says where to ask it");
        }
        models.put(type, offline);
        continue;
      }
      String name = names.getOrDefault(type, env.get(MODEL));
      if (name.isEmpty()) {
        throw new IllegalArgumentException(
            "agent type "
                + type
                + " has a model server but no model: name it in "
                + MODEL.names()
                + " or "
                + MODELS.property());
      }
      if (policy == null) {
        policy = PIPELINE.policy(env);
        fallbackModel = fallback(env, offline);
        log.info(
            "models per agent type: timeout {}, {} attempts, breaker {} of {} for {}, {} at a time{};"
                + " fallback {}",
            policy.timeout(),
            policy.maxAttempts(),
            policy.breakerFailures(),
            policy.breakerWindow(),
            policy.breakerDelay(),
            policy.maxConcurrent(),
            policy.ratePerSecond() > 0 ? ", " + policy.ratePerSecond() + "/s" : "",
            fallbackModel.map(LlmClient::model).orElse("none"));
      }
      Duration timeout = policy.timeout();
      var endpoint = new Endpoint(baseUrl, name, keys.getOrDefault(type, env.get(API_KEY)));
      OpenAiChatModel model =
          clients.computeIfAbsent(
              endpoint,
              e ->
                  new OpenAiChatModel(
                      URI.create(e.baseUrl()), e.model(), Optional.of(e.apiKey()), timeout, clock));
      log.info("agent type {} asks {} at {}", type, name, baseUrl);
      var pipeline = new CallPipeline(breakerName(name, type), policy, breakers.apply(type));
      models.put(type, new ResilientModel(model, type, pipeline, fallbackModel, metrics));
    }
    return Collections.unmodifiableMap(models);
  }

  private static Optional<LlmClient> fallback(EnvironmentLookup env, OfflineModel offline) {
    String fallback = env.get(FALLBACK);
    if (!fallback.equals("none") && !fallback.equals("offline")) {
      throw new IllegalArgumentException(
          FALLBACK.names() + " must be none or offline, was '" + fallback + "'");
    }
    return fallback.equals("offline") ? Optional.of(offline) : Optional.empty();
  }

  /** Where a model is asked: one HTTP client each. */
  private record Endpoint(String baseUrl, String model, String apiKey) {
    @Override
    public String toString() {
      return model + " at " + baseUrl; // never the key
    }
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
