package io.conclave.launcher.harness;

import io.conclave.agent.Agent;
import io.conclave.coordinator.Coordinator;
import io.conclave.coordinator.OfflinePlanner;
import io.conclave.coordinator.Planner;
import io.conclave.coordinator.TokenBudgets;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.StackClient;
import io.conclave.worker.AgentWorker;
import io.conclave.worker.Agents;
import io.conclave.worker.OfflineAgent;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One Conclave installation against a real stack, for the ITs: a coordinator, workers (in this JVM
 * or as child processes) and projections, started by a {@link #with builder} in that order and
 * stopped in the reverse order. It comes with a {@link StackClient} and an {@link Http} client, so
 * a test neither wires services nor builds Kafka clients by hand.
 *
 * <pre>{@code
 * try (InProcessConclave conclave = InProcessConclave.with(settings).workers(2).start()) {
 *   conclave.client().submit("t-1", "why is the sky blue?");
 *   conclave.client().awaitEnd("saga-t-1");
 * }
 * }</pre>
 */
public final class InProcessConclave implements AutoCloseable {
  private final Builder plan;
  private final List<AgentWorker> workers = new ArrayList<>();
  private final List<ChildProcess> workerProcesses = new ArrayList<>();
  private final StackClient client;
  private Coordinator coordinator;
  private EmbeddedServer projections;

  private InProcessConclave(Builder plan) {
    this.plan = plan;
    this.client = new StackClient(plan.settings);
  }

  /** What to start for the installation {@code settings} describe (provisioned already). */
  public static Builder with(ConclaveSettings settings) {
    return new Builder(settings);
  }

  /** The parts of an installation to start, and how; {@link #start()} starts them. */
  public static final class Builder {
    private final ConclaveSettings settings;
    private boolean coordinated = true;
    private Planner planner = new OfflinePlanner();
    private TokenBudgets budgets = TokenBudgets.NONE;
    private Clock clock = Clock.systemUTC();
    private int workers = 1;
    private Function<String, Agent<?>> agents = OfflineAgent::new;
    private int workerProcesses = 0;
    private List<String> workerProperties = List.of();
    private boolean projected = true;
    private Map<String, Object> projectionOverrides = Map.of();

    private Builder(ConclaveSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The coordinator's planner; an {@link OfflinePlanner} unless set. */
    public Builder planner(Planner planner) {
      this.planner = Objects.requireNonNull(planner, "planner");
      return this;
    }

    /** The coordinator's token budgets; none unless set. */
    public Builder budgets(TokenBudgets budgets) {
      this.budgets = Objects.requireNonNull(budgets, "budgets");
      return this;
    }

    /** The clock of the coordinator and the in-process workers; the system's unless set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** No coordinator: the test starts its own, or needs none. */
    public Builder noCoordinator() {
      this.coordinated = false;
      return this;
    }

    /** How many workers run in this JVM, each hosting every agent type; one unless set. */
    public Builder workers(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("workers must be 0 or more, was " + count);
      }
      this.workers = count;
      return this;
    }

    /**
     * The agent the in-process workers host for each agent type; {@link OfflineAgent} unless set.
     */
    public Builder agents(Function<String, Agent<?>> perType) {
      this.agents = Objects.requireNonNull(perType, "perType");
      return this;
    }

    /**
     * Worker processes ({@code io.conclave.worker.AgentWorker} in a child JVM, named {@code
     * worker-<i>}), started after the in-process ones with the settings' system properties
     * (registration off: the test registered the schemas), the offline agents on, and {@code
     * extraProperties} ({@code -Dname=value}).
     */
    public Builder workerProcesses(int count, List<String> extraProperties) {
      if (count < 0) {
        throw new IllegalArgumentException("worker processes must be 0 or more, was " + count);
      }
      this.workerProcesses = count;
      this.workerProperties = List.copyOf(extraProperties);
      return this;
    }

    /** No projections. */
    public Builder noProjections() {
      this.projected = false;
      return this;
    }

    /** Projections with {@code overrides} on top of the tests' configuration. */
    public Builder projections(Map<String, Object> overrides) {
      this.projected = true;
      this.projectionOverrides = Map.copyOf(overrides);
      return this;
    }

    /** Starts the parts; on a failure, stops what had started and rethrows. */
    public InProcessConclave start() throws Exception {
      InProcessConclave conclave = new InProcessConclave(this);
      conclave.start();
      return conclave;
    }
  }

  private void start() throws Exception {
    try {
      if (plan.coordinated) {
        coordinator = newCoordinator();
      }
      for (int i = 0; i < plan.workers; i++) {
        startWorker();
      }
      for (int i = 0; i < plan.workerProcesses; i++) {
        startWorkerProcess();
      }
      if (plan.projected) {
        projections = startProjections(plan.settings, plan.projectionOverrides);
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private Coordinator newCoordinator() {
    return new Coordinator(plan.settings, plan.planner, plan.budgets, plan.clock).start();
  }

  public ConclaveSettings settings() {
    return plan.settings;
  }

  /** Submits, sends and reads back the installation's topics. */
  public StackClient client() {
    return client;
  }

  /** The running coordinator. */
  public Coordinator coordinator() {
    if (coordinator == null) {
      throw new IllegalStateException("this installation was started without a coordinator");
    }
    return coordinator;
  }

  /**
   * Starts another coordinator, then stops the running one, so that the new one takes the shards
   * over; returns the new one.
   */
  public Coordinator replaceCoordinator() {
    Coordinator next = newCoordinator();
    if (coordinator != null) {
      coordinator.close();
    }
    coordinator = next;
    return next;
  }

  /** The in-process workers, in the order they started. */
  public List<AgentWorker> workers() {
    return List.copyOf(workers);
  }

  /** Starts one more in-process worker hosting every agent type. */
  public AgentWorker startWorker() {
    List<Agent<?>> agents = plan.settings.agentTypes().stream().map(plan.agents).toList();
    AgentWorker worker = new AgentWorker(plan.settings, agents, plan.clock).start();
    workers.add(worker);
    return worker;
  }

  /** The worker processes, in the order they started. */
  public List<ChildProcess> workerProcesses() {
    return List.copyOf(workerProcesses);
  }

  /** Starts one more worker process, as {@link Builder#workerProcesses} describes. */
  public ChildProcess startWorkerProcess() {
    List<String> props =
        new ArrayList<>(plan.settings.withAutoRegister(false).asSystemProperties());
    // the agent types no provider on the test class path supplies run the offline agents
    props.add("-D" + Agents.OFFLINE_AGENTS.property() + "=true");
    props.addAll(plan.workerProperties);
    ChildProcess worker =
        ChildProcess.start(
            "worker-" + (workerProcesses.size() + 1),
            "io.conclave.worker.AgentWorker",
            props,
            plan.settings.kafkaSecurity(),
            List.of(),
            System.out);
    workerProcesses.add(worker);
    return worker;
  }

  public static EmbeddedServer startProjections(ConclaveSettings settings) throws Exception {
    return startProjections(settings, Map.of());
  }

  /** Projections of {@code settings}, with {@code overrides} on top of the tests' configuration. */
  public static EmbeddedServer startProjections(
      ConclaveSettings settings, Map<String, Object> overrides) throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", -1);
    props.put("conclave.kafka.bootstrap-servers", settings.bootstrapServers());
    props.put("conclave.registry.url", settings.registry().url());
    props.put("conclave.topic-prefix", settings.topics().prefix());
    props.put("conclave.agent-types", String.join(",", settings.agentTypes()));
    props.put("conclave.state-dir", Files.createTempDirectory("conclave-streams").toString());
    // the Kafka security as a child would get it, the password included (this is the same process:
    // no command line)
    for (String arg : settings.kafkaSecurity().asSystemProperties()) {
      String kv = arg.substring("-D".length());
      props.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    var security = settings.kafkaSecurity();
    if (security.password() != null) {
      props.put("conclave.kafka.sasl.password", security.password());
    }
    if (security.truststore() != null && security.truststore().password() != null) {
      props.put("conclave.kafka.ssl.truststore.password", security.truststore().password());
    }
    if (security.keystore() != null && security.keystore().password() != null) {
      props.put("conclave.kafka.ssl.keystore.password", security.keystore().password());
    }
    props.put("conclave.security.tokens", Http.TOKENS);
    props.putAll(overrides);
    return ApplicationContext.run(EmbeddedServer.class, props);
  }

  /** The projections' base URL. */
  public String baseUrl() {
    if (projections == null) {
      throw new IllegalStateException("this installation was started without projections");
    }
    return "http://127.0.0.1:" + projections.getPort();
  }

  /** An HTTP client of the projections with the admin's token. */
  public Http http() {
    return new Http(baseUrl());
  }

  @Override
  public void close() throws Exception {
    List<AutoCloseable> parts = new ArrayList<>();
    parts.add(client);
    if (coordinator != null) {
      parts.add(coordinator);
    }
    parts.addAll(workers);
    parts.addAll(workerProcesses.stream().<AutoCloseable>map(p -> p::kill).toList());
    if (projections != null) {
      parts.add(projections);
    }
    Exception failure = null;
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
