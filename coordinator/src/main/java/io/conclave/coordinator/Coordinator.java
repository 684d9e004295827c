package io.conclave.coordinator;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import io.conclave.runtime.loop.LoopClients;
import io.conclave.runtime.loop.LoopHealth;
import io.conclave.runtime.loop.TransactionalPartitionLoop;
import io.conclave.runtime.process.ProcessIds;
import io.conclave.runtime.service.ConclaveApplication;
import io.conclave.runtime.service.RunningService;
import io.conclave.schemas.ConclaveSerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A coordinator process: a member of the coordinator consumer group on {@code conclave.tasks} and
 * {@code conclave.saga-events}. Each partition it owns (of both) is a shard it leads; the other
 * members stand by and take the shard over when this one leaves or dies.
 */
public final class Coordinator implements RunningService {
  /**
   * The older name of the application's {@code micronaut.server.port} ({@code
   * application-coordinator.yml}), where {@link #main} serves its health and metrics; a free port
   * by default.
   */
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
    this(settings, planner, budgets, checkpointing, clock, LoopClients.KAFKA);
  }

  /**
   * @param budgets the token budgets its shard leaders grant the sagas they start
   * @param checkpointing when its shard leaders checkpoint, and how long they keep ended sagas
   * @param clients where its loop's Kafka clients come from (measured ones in the application)
   */
  public Coordinator(
      ConclaveSettings settings,
      Planner planner,
      TokenBudgets budgets,
      CheckpointPolicy checkpointing,
      Clock clock,
      LoopClients clients) {
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
            clock,
            clients);
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
  @Override
  public LoopHealth health(Instant now) {
    return LoopHealth.of(List.of(loop.status()), now);
  }

  /** Completes when the coordinator stopped; exceptionally if it broke down. */
  public CompletableFuture<Void> done() {
    return loop.done();
  }

  @Override
  public CompletableFuture<Void> failed() {
    return done();
  }

  @Override
  public void close() {
    loop.close();
    handler.close();
    health.close();
  }

  /**
   * Runs a coordinator application ({@link ConclaveApplication}) with the planner {@link
   * Planners#PLANNER} names among the {@link PlannerProvider}s on the class path ({@code offline}
   * by default); if there is none of that name, exits with status 2, naming the planners there are.
   */
  public static void main(String[] args) {
    ConclaveApplication.run("coordinator", Coordinator.class, args, Coordinator::start);
  }

  private static Coordinator start(ConclaveApplication.ServiceContext app) {
    EnvironmentLookup env = app.lookup();
    Planner chosen =
        Planners.fromClassPath(Thread.currentThread().getContextClassLoader())
            .select(app.settings(), env);
    Planner planner = new ResilientPlanner(chosen, Duration.ofSeconds(30), 3);
    return new Coordinator(
            app.settings(),
            planner,
            TokenBudgets.from(env),
            CheckpointPolicy.from(env),
            Clock.systemUTC(),
            app.loopClients())
        .start();
  }
}
