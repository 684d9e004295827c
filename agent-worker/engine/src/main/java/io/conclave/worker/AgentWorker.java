package io.conclave.worker;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentProvider;
import io.conclave.agent.LlmClient;
import io.conclave.model.crdt.HybridClock;
import io.conclave.models.CallLedger;
import io.conclave.models.Models;
import io.conclave.models.OfflineModel;
import io.conclave.models.ResilientModel;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import io.conclave.runtime.loop.LoopClients;
import io.conclave.runtime.loop.LoopHealth;
import io.conclave.runtime.loop.TransactionalPartitionLoop;
import io.conclave.runtime.readers.AgentLogs;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.service.ConclaveApplication;
import io.conclave.runtime.service.RunningService;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.worker.remote.RemoteAgent;
import io.conclave.worker.remote.RemoteAgents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A worker process: for each agent it hosts, a member of that agent type's consumer group on {@code
 * conclave.commands.<type>} and {@code conclave.compensations.<type>}. Start more processes to
 * share the partitions of busy types.
 */
public final class AgentWorker implements RunningService {
  /**
   * The older name of the application's {@code micronaut.server.port} ({@code
   * application-worker.yml}), where {@link #main} serves its health and metrics; a free port by
   * default.
   */
  private static final Setting METRICS_PORT =
      Setting.of("conclave.worker.metrics-port", "CONCLAVE_WORKER_METRICS_PORT", null);

  /** The agent types a worker hosts; none: its first argument, else every configured type. */
  private static final Setting HOSTED_TYPES =
      Setting.of("conclave.worker.agent-types", "CONCLAVE_WORKER_AGENT_TYPES", null);

  /** The settings a worker reads beyond {@link ConclaveSettings} and {@link Models#SETTINGS}. */
  public static final List<Setting> SETTINGS =
      Stream.concat(
              Stream.of(METRICS_PORT, HOSTED_TYPES, Agents.OFFLINE_AGENTS),
              RemoteAgents.SETTINGS.stream())
          .toList();

  private final List<TransactionalPartitionLoop<Object>> loops = new ArrayList<>();
  private final List<AgentLogs> logs = new ArrayList<>();
  private final ConclaveSerdes serdes;
  private final KnowledgeFeed feed;
  private final KnowledgeAccess knowledge;
  private final MeterRegistry metrics;
  private final List<AutoCloseable> alsoClosed = new ArrayList<>();

  /** A worker whose agents ask the {@linkplain OfflineModel offline model}. */
  public AgentWorker(ConclaveSettings settings, List<? extends Agent<?>> agents, Clock clock) {
    this(settings, agents, OfflineModel.instant(), clock);
  }

  public AgentWorker(
      ConclaveSettings settings, List<? extends Agent<?>> agents, LlmClient model, Clock clock) {
    this(settings, agents, model, CallLedger.FREE, clock);
  }

  /**
   * A worker whose agents all ask {@code model}: one client, whatever it protects, shared by every
   * type.
   *
   * @param ledger the prices and budgets of the agents' model calls
   */
  public AgentWorker(
      ConclaveSettings settings,
      List<? extends Agent<?>> agents,
      LlmClient model,
      CallLedger ledger,
      Clock clock) {
    this(settings, agents, everyType(agents, model), ledger, clock);
  }

  /** A worker whose steps and model costs are measured nowhere. */
  public AgentWorker(
      ConclaveSettings settings,
      List<? extends Agent<?>> agents,
      Map<String, ? extends LlmClient> models,
      CallLedger ledger,
      Clock clock) {
    this(settings, agents, models, ledger, clock, new CompositeMeterRegistry());
  }

  /**
   * @param models the model each agent type asks (every hosted type needs one): for a model server,
   *     each type's own {@link ResilientModel}, so that a type whose breaker opens holds only its
   *     own commands
   * @param ledger the prices and budgets of the agents' model calls
   * @param metrics where each step and compensation is timed ({@link StepRunner}) and the cost of
   *     the model calls counted ({@link StepContext})
   */
  public AgentWorker(
      ConclaveSettings settings,
      List<? extends Agent<?>> agents,
      Map<String, ? extends LlmClient> models,
      CallLedger ledger,
      Clock clock,
      MeterRegistry metrics) {
    this(settings, agents, models, ledger, clock, metrics, LoopClients.KAFKA);
  }

  /**
   * @param models the model each agent type asks (every hosted type needs one)
   * @param ledger the prices and budgets of the agents' model calls
   * @param metrics where each step and compensation is timed and the cost of the model calls
   *     counted
   * @param clients where the loops' Kafka clients come from (measured ones in the application)
   */
  public AgentWorker(
      ConclaveSettings settings,
      List<? extends Agent<?>> agents,
      Map<String, ? extends LlmClient> models,
      CallLedger ledger,
      Clock clock,
      MeterRegistry metrics,
      LoopClients clients) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.serdes = new ConclaveSerdes(settings.registry());
    this.feed = new KnowledgeFeed(settings, serdes);
    this.knowledge = new KnowledgeAccess(new HybridClock(clock), feed, ledger);
    ConclaveRecords records = new ConclaveRecords(settings, serdes);
    for (Agent<?> agent : agents) {
      LlmClient model = models.get(agent.type());
      if (model == null) {
        throw new IllegalArgumentException(
            "no model for agent type " + agent.type() + " (models for " + models.keySet() + ")");
      }
      var handler = handler(agent, records, model, clock, settings);
      String commands = settings.topics().commands(agent.type());
      String compensations = settings.topics().compensations(agent.type());
      var options =
          new TransactionalPartitionLoop.Options(
              "worker-" + agent.type(),
              settings.kafka(),
              List.of(commands, compensations),
              groupId(settings, agent.type()),
              settings.topics().workerTransactionalIds(agent.type()),
              settings.topics().deadLetters(),
              settings.groups().consumerConfig());
      loops.add(
          new TransactionalPartitionLoop<>(
              options,
              Map.<String, Deserializer<?>>of(
                  commands,
                  serdes.stepCommand().deserializer(),
                  compensations,
                  serdes.compensateCommand().deserializer()),
              serdes.deadLetter().serializer(),
              handler,
              clock,
              clients));
    }
  }

  private static Map<String, LlmClient> everyType(
      List<? extends Agent<?>> agents, LlmClient model) {
    Map<String, LlmClient> models = new HashMap<>();
    agents.forEach(agent -> models.put(agent.type(), model));
    return models;
  }

  private <S> WorkerHandler<S> handler(
      Agent<S> agent,
      ConclaveRecords records,
      LlmClient model,
      Clock clock,
      ConclaveSettings settings) {
    // a log reader per agent type: the types' take-overs rebuild state in parallel, on their loops'
    // threads
    AgentLogs reader = new AgentLogs(settings, serdes);
    logs.add(reader);
    return new WorkerHandler<>(
        agent,
        records,
        reader,
        model,
        clock,
        knowledge,
        settings.snapshotEvery(),
        settings.topics().commands(agent.type()),
        settings.groups().stepBudget(),
        metrics);
  }

  /**
   * A worker whose agents ask the model its settings configure ({@link Models}): for a model
   * server, one pipeline per agent type, built here once and shared by the type's agents
   * (partitions). Each type's circuit breaker is reported on conclave.agent-health (registered
   * CLOSED now; tombstoned when the worker closes), and measured in {@code metrics}.
   *
   * @param metrics the application's registry, served at {@code /prometheus}
   * @param clients the loops' Kafka clients
   */
  public static AgentWorker fromEnvironment(
      ConclaveSettings settings,
      List<? extends Agent<?>> agents,
      EnvironmentLookup env,
      Clock clock,
      MeterRegistry metrics,
      LoopClients clients) {
    var reporter =
        new HealthReporter(
            settings.kafka(),
            new ConclaveRecords(settings, new ConclaveSerdes(settings.registry())),
            clock);
    List<String> types = agents.stream().map(Agent::type).distinct().toList();
    Map<String, LlmClient> models =
        Models.fromEnvironment(env, clock, types, reporter::listener, metrics);
    AgentWorker worker =
        new AgentWorker(
            settings,
            agents,
            models,
            Models.ledger(env, Models.modelName(env)),
            clock,
            metrics,
            clients);
    // in this order on close: no self half-open is due any more, then the tombstones go
    models.values().stream()
        .distinct()
        .forEach(
            model -> {
              if (model instanceof ResilientModel resilient) {
                worker.alsoClosed.add(resilient.pipeline());
              }
            });
    worker.alsoClosed.add(reporter);
    // a remote agent type's breaker is reported like a model's: on conclave.agent-health, and as a
    // metric
    agents.forEach(
        agent -> {
          if (agent instanceof RemoteAgent remote) {
            remote.reportBreakerTo(reporter.listener(remote.type()));
            reporter.registered(remote.pipeline().name(), remote.type());
            ResilientModel.measureBreaker(remote.pipeline(), remote.type(), metrics);
          }
        });
    models
        .values()
        .forEach(
            model -> {
              if (model instanceof ResilientModel resilient) {
                reporter.registered(resilient.pipeline().name(), resilient.agentType());
              }
            });
    return worker;
  }

  /** The consumer group of an agent type: its members share the type's command partitions. */
  public static String groupId(ConclaveSettings settings, String agentType) {
    return settings.topics().workerGroup(agentType);
  }

  public AgentWorker start() {
    feed.start();
    loops.forEach(TransactionalPartitionLoop::start);
    return this;
  }

  /** Whether every agent type's loop is alive at {@code now} ({@link LoopHealth}). */
  @Override
  public LoopHealth health(Instant now) {
    return LoopHealth.of(loops.stream().map(TransactionalPartitionLoop::status).toList(), now);
  }

  /** Completes exceptionally as soon as one agent type's loop broke down. */
  @Override
  public CompletableFuture<Object> failed() {
    return CompletableFuture.anyOf(
        loops.stream().map(TransactionalPartitionLoop::done).toArray(CompletableFuture[]::new));
  }

  @Override
  public void close() {
    loops.forEach(TransactionalPartitionLoop::close);
    logs.forEach(AgentLogs::close);
    feed.close();
    for (AutoCloseable c : alsoClosed) {
      try {
        c.close();
      } catch (Exception e) {
        // closing: nothing left to do about it
      }
    }
  }

  /**
   * Runs the agents of the types in {@code -Dconclave.worker.agent-types} (or {@code
   * CONCLAVE_WORKER_AGENT_TYPES}, or the first argument; default: every configured type), as the
   * {@link AgentProvider}s on the class path supply them; the offline demo agent serves a type no
   * provider supplies only if {@link Agents#OFFLINE_AGENTS} is on, else the worker exits with
   * status 2, naming the types. They ask the model {@link Models} configures: the offline model
   * unless {@code conclave.llm.base-url} names an OpenAI-compatible server.
   */
  public static void main(String[] args) {
    ConclaveApplication.run("worker", AgentWorker.class, args, AgentWorker::start);
  }

  private static AgentWorker start(ConclaveApplication.ServiceContext app) {
    ConclaveSettings settings = app.settings();
    EnvironmentLookup env = app.lookup();
    String[] args = app.args();
    String types =
        Objects.requireNonNullElse(env.get(HOSTED_TYPES), args.length > 0 ? args[0] : "");
    List<String> hosted =
        types.isBlank()
            ? settings.agentTypes()
            : Arrays.stream(types.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    Agents supplied = Agents.fromEnvironment(env);
    List<Agent<?>> agents = supplied.forTypes(hosted);
    AgentWorker worker =
        fromEnvironment(settings, agents, env, Clock.systemUTC(), app.metrics(), app.loopClients());
    worker.alsoClosed.add(supplied);
    return worker.start();
  }
}
