package io.conclave.coordinator;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import io.conclave.runtime.loop.LoopHealth;
import io.conclave.runtime.loop.TransactionalPartitionLoop;
import io.conclave.runtime.process.ProbeServer;
import io.conclave.runtime.process.ProcessIds;
import io.conclave.runtime.process.ServiceRunner;
import io.conclave.schemas.ConclaveSerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.LoggerFactory;

/**
 * A coordinator process: a member of the coordinator consumer group on {@code conclave.tasks} and
 * {@code conclave.saga-events}. Each partition it owns (of both) is a shard it leads; the other
 * members stand by and take the shard over when this one leaves or dies.
 */
public final class Coordinator implements AutoCloseable {
  /** Where {@link #main} serves {@code GET /health} ({@link ProbeServer}); none by default. */
  private static final Setting HEALTH_PORT =
      Setting.of("conclave.coordinator.health-port", "CONCLAVE_COORDINATOR_HEALTH_PORT", null);

  /**
   * The settings a coordinator reads beyond {@link ConclaveSettings} and {@link
   * TokenBudgets#SETTINGS}.
   */
  public static final List<Setting> SETTINGS =
      java.util.stream.Stream.of(
              List.of(HEALTH_PORT, Planners.PLANNER),
              CheckpointPolicy.SETTINGS,
              SagaRetention.SETTINGS)
          .flatMap(List::stream)
          .toList();

  private final TransactionalPartitionLoop<Object> loop;
  private final CoordinatorHandler handler;
  private final HealthFeed health;

  /** Its {@code GET /health}, when {@link #main} serves one. */
  private volatile ProbeServer probes;

  /** A coordinator that grants no token budgets. */
  public Coordinator(ConclaveSettings settings, Planner planner, Clock clock) {
    this(settings, planner, TokenBudgets.NONE, clock);
  }

  /**
   * @param budgets the token budgets its shard leaders grant the sagas they start
   */
  public Coordinator(
      ConclaveSettings settings, Planner planner, TokenBudgets budgets, Clock clock) {
    this(settings, planner, budgets, CheckpointPolicy.DEFAULT, clock);
  }

  /**
   * @param budgets the token budgets its shard leaders grant the sagas they start
   * @param checkpointing when its shard leaders checkpoint, and how long they keep ended sagas
   */
  public Coordinator(
      ConclaveSettings settings,
      Planner planner,
      TokenBudgets budgets,
      CheckpointPolicy checkpointing,
      Clock clock) {
    ConclaveSerdes serdes = new ConclaveSerdes(settings.registry());
    String memberId =
        "coordinator-"
            + ProcessHandle.current().pid()
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    this.health = new HealthFeed(settings, serdes);
    this.handler =
        new CoordinatorHandler(
            settings,
            serdes,
            planner,
            budgets,
            checkpointing,
            health,
            clock,
            memberId,
            ProcessIds.hostName());
    String tasks = settings.topics().tasks();
    String sagaEvents = settings.topics().sagaEvents();
    var options =
        new TransactionalPartitionLoop.Options(
            "coordinator",
            settings.kafka(),
            List.of(tasks, sagaEvents),
            groupId(settings),
            settings.topics().coordinatorTransactionalIds(),
            settings.topics().deadLetters(),
            // its offsets there are committed with what it writes (checkpoints at the latest): a
            // take-over starts from the shard's checkpoint, and what is consumed again below it is
            // skipped
            consumerConfig(settings),
            Set.of(sagaEvents));
    this.loop =
        new TransactionalPartitionLoop<>(
            options,
            Map.<String, Deserializer<?>>of(
                tasks,
                serdes.taskSubmission().deserializer(),
                sagaEvents,
                serdes.sagaEvent().deserializer()),
            serdes.deadLetter().serializer(),
            handler,
            clock);
  }

  private static Map<String, Object> consumerConfig(ConclaveSettings settings) {
    Map<String, Object> config = new HashMap<>(settings.groups().consumerConfig());
    // each task may wait on a planner call: keep a poll's work well inside max.poll.interval.ms
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    return config;
  }

  /** The coordinator consumer group of an installation. */
  public static String groupId(ConclaveSettings settings) {
    return settings.topics().coordinatorGroup();
  }

  public Coordinator start() {
    health.start();
    loop.start();
    return this;
  }

  /**
   * Whether this coordinator's shard leaders hold the steps of {@code agentType} (its breakers are
   * all open).
   */
  public boolean holds(String agentType) {
    return health.test(agentType);
  }

  /** The shards this coordinator leads right now, with the epoch of each. */
  public List<ShardRole.Leader> leaders() {
    return handler.led();
  }

  /** The shards this coordinator leads right now. */
  public List<Integer> ledShards() {
    return loop.ownedPartitions();
  }

  /** Whether its loop is alive at {@code now} ({@link LoopHealth}). */
  public LoopHealth health(Instant now) {
    return LoopHealth.of(List.of(loop.status()), now);
  }

  /** Completes when the coordinator stopped; exceptionally if it broke down. */
  public CompletableFuture<Void> done() {
    return loop.done();
  }

  @Override
  public void close() {
    if (probes != null) {
      probes.close();
    }
    loop.close();
    handler.close();
    health.close();
  }

  /**
   * Runs a coordinator with the planner {@link Planners#PLANNER} names among the {@link
   * PlannerProvider}s on the class path ({@code offline} by default); if there is none of that
   * name, exits with status 2, naming the planners there are.
   */
  public static void main(String[] args) {
    ConclaveSettings settings = ConclaveSettings.fromEnvironment();
    EnvironmentLookup env = EnvironmentLookup.ofProcess();
    Planner chosen;
    try {
      chosen =
          Planners.fromClassPath(Thread.currentThread().getContextClassLoader())
              .select(settings, env);
    } catch (IllegalStateException e) {
      // a deployment mistake, said in one line: a stack trace would add nothing
      LoggerFactory.getLogger(Coordinator.class)
          .error("coordinator not started: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Planner planner = new ResilientPlanner(chosen, Duration.ofSeconds(30), 3);
    Clock clock = Clock.systemUTC();
    Coordinator coordinator =
        new Coordinator(
                settings, planner, TokenBudgets.from(env), CheckpointPolicy.from(env), clock)
            .start();
    if (env.get(HEALTH_PORT) != null) {
      coordinator.probes =
          ProbeServer.start(
              "coordinator",
              env.integer(HEALTH_PORT),
              () -> coordinator.health(clock.instant()),
              Optional.empty());
    }
    ServiceRunner.runUntilStopped("coordinator", coordinator, coordinator.done());
  }
}
