package io.conclave.worker.remote;

import dev.failsafe.CircuitBreaker;
import io.conclave.agent.Agent;
import io.conclave.agent.AgentProvider;
import io.conclave.model.eventlog.StateFold;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import io.conclave.runtime.resilience.CallPipeline;
import io.conclave.runtime.resilience.CallPolicy;
import io.conclave.runtime.resilience.CallPolicySettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supplies the agent types the worker's settings map to remote agents ({@code
 * conclave.worker.remote-agents}: {@code research=http://127.0.0.1:8601/step,write=...}), ahead of
 * the providers on the class path. Each type gets one {@link CallPipeline} ({@code
 * conclave.remote.*}: timeout, breaker, bulkhead), shared by its agents; the agents of every type
 * share one {@link ModelEndpoint}, started when the first agent is made ({@code
 * conclave.remote.model-bind-address}, {@code model-port}, {@code model-base-url}). {@link
 * #close()} stops them. Thread-safe.
 */
public final class RemoteAgents implements AgentProvider, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteAgents.class);
  private static final CallPolicy D = CallPolicy.DEFAULTS;

  /** The agent types served over HTTP, and their URLs. */
  public static final Setting AGENTS =
      Setting.of("conclave.worker.remote-agents", "CONCLAVE_WORKER_REMOTE_AGENTS", "");

  /**
   * Timeout 20 s: within the time a step's attempt gets by default (a third of the poll interval
   * shared by 3 attempts and their backoffs, 25 s), so that the deadline a request carries is the
   * one that holds. One request per step attempt: the step's own retries come on top.
   */
  private static final CallPolicySettings PIPELINE =
      CallPolicySettings.of(
          "conclave.remote",
          new CallPolicy(
              Duration.ofSeconds(20),
              1,
              D.backoff(),
              D.maxBackoff(),
              D.maxRetryAfter(),
              D.breakerFailures(),
              D.breakerWindow(),
              D.breakerDelay(),
              D.breakerProbes(),
              D.maxConcurrent(),
              0,
              Duration.ofSeconds(20),
              D.breakerPeriod()));

  private static final Setting MODEL_BIND_ADDRESS =
      Setting.of(
          "conclave.remote.model-bind-address", "CONCLAVE_REMOTE_MODEL_BIND_ADDRESS", "127.0.0.1");
  private static final Setting MODEL_PORT =
      Setting.of("conclave.remote.model-port", "CONCLAVE_REMOTE_MODEL_PORT", 0);
  private static final Setting MODEL_BASE_URL =
      Setting.of("conclave.remote.model-base-url", "CONCLAVE_REMOTE_MODEL_BASE_URL", "");

  /** The settings of remote agents, their pipelines and their model endpoint. */
  public static final List<Setting> SETTINGS =
      Stream.concat(
              Stream.concat(Stream.of(AGENTS), PIPELINE.all().stream()),
              Stream.of(MODEL_BIND_ADDRESS, MODEL_PORT, MODEL_BASE_URL))
          .toList();

  /**
   * Where the model endpoint listens, and the URL remote agents reach it at.
   *
   * @param advertisedUrl empty: {@code http://<bindAddress>:<port>}
   */
  public record EndpointAddress(String bindAddress, int port, Optional<String> advertisedUrl) {
    /** 127.0.0.1, any free port. */
    public static final EndpointAddress LOOPBACK =
        new EndpointAddress("127.0.0.1", 0, Optional.empty());
  }

  private final Map<String, URI> urls;
  private final CallPolicy policy;
  private final EndpointAddress address;
  private final Clock clock;
  private final Map<String, CallPipeline> pipelines = new HashMap<>();
  private final Map<String, BreakerRelay> relays = new HashMap<>();
  private HttpClient http;
  private ModelEndpoint endpoint;

  /**
   * @param urls the URL of each remote agent type
   * @param policy the timeout and breaker of each type's calls
   */
  public RemoteAgents(
      Map<String, URI> urls, CallPolicy policy, EndpointAddress address, Clock clock) {
    this.urls = Collections.unmodifiableMap(new LinkedHashMap<>(urls));
    this.policy = Objects.requireNonNull(policy, "policy");
    this.address = Objects.requireNonNull(address, "address");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The remote agents {@code env} configures; none if {@code conclave.worker.remote-agents} is not
   * set.
   *
   * @throws IllegalArgumentException if a setting is malformed, naming it
   */
  public static RemoteAgents fromEnvironment(EnvironmentLookup env, Clock clock) {
    var policy = PIPELINE.policy(env);
    String advertised = env.get(MODEL_BASE_URL);
    return new RemoteAgents(
        urls(env.get(AGENTS)),
        policy,
        new EndpointAddress(
            env.get(MODEL_BIND_ADDRESS),
            env.integer(MODEL_PORT),
            advertised == null || advertised.isBlank()
                ? Optional.empty()
                : Optional.of(advertised)),
        clock);
  }

  /**
   * {@code type=url,type=url}.
   *
   * @throws IllegalArgumentException naming the entry that is not {@code type=http(s)://...}
   */
  static Map<String, URI> urls(String setting) {
    Map<String, URI> urls = new LinkedHashMap<>();
    if (setting == null) {
      return urls;
    }
    for (String entry : setting.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String type = eq < 0 ? "" : entry.substring(0, eq).trim();
      String url = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (type.isEmpty() || !(url.startsWith("http://") || url.startsWith("https://"))) {
        throw new IllegalArgumentException(
            AGENTS.names()
                + " must be type=http(s)://host:port/path entries, comma-separated; '"
                + entry.trim()
                + "' is not one");
      }
      try {
        urls.put(type, URI.create(url));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(AGENTS.names() + ": '" + url + "' is not a URL", e);
      }
    }
    return urls;
  }

  /** The agent types served over HTTP, and their URLs. */
  public Map<String, URI> urls() {
    return urls;
  }

  /** Ahead of the providers on the class path: a remote type is configured on purpose. */
  @Override
  public int priority() {
    return 100;
  }

  @Override
  public synchronized Optional<Agent<?>> agent(String agentType) {
    URI url = urls.get(agentType);
    if (url == null) {
      return Optional.empty();
    }
    if (endpoint == null) {
      endpoint =
          ModelEndpoint.start(address.bindAddress(), address.port(), address.advertisedUrl());
      http =
          HttpClient.newBuilder()
              // plain HTTP/1.1: no h2c upgrade header for agents' web frameworks to trip over
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(policy.timeout())
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    BreakerRelay relay = relays.computeIfAbsent(agentType, type -> new BreakerRelay());
    CallPipeline pipeline =
        pipelines.computeIfAbsent(
            agentType, type -> new CallPipeline("remote-agent:" + type, policy, relay));
    var agent = new RemoteAgent(agentType, url, pipeline, relay, endpoint, http, clock);
    log.info("agent type {} is served by the remote agent at {}", agentType, url);
    return Optional.of(agent);
  }

  /**
   * Passes a type's breaker transitions on to whoever the worker names ({@link
   * RemoteAgent#reportBreakerTo}); until then, logs them.
   */
  static final class BreakerRelay implements CallPipeline.BreakerListener {
    private volatile CallPipeline.BreakerListener target =
        (name, from, to) -> log.info("{}: circuit breaker {} -> {}", name, from, to);

    void to(CallPipeline.BreakerListener listener) {
      target = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void changed(String pipeline, CircuitBreaker.State from, CircuitBreaker.State to) {
      target.changed(pipeline, from, to);
    }
  }

  /** The fold of a remote type, without starting anything. */
  @Override
  public Optional<StateFold<?>> forAgentType(String agentType) {
    return urls.containsKey(agentType) ? Optional.of(RemoteAgent.FOLD) : Optional.empty();
  }

  /** The model endpoint, once an agent was made. */
  synchronized Optional<ModelEndpoint> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** Stops the model endpoint and the breakers' half-opening. */
  @Override
  public synchronized void close() {
    pipelines.values().forEach(CallPipeline::close);
    if (endpoint != null) {
      endpoint.close();
    }
  }
}
