package io.conclave.projections.runtime;

import io.conclave.projections.http.AdvertisedAddress;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.RebuildInProgressException;
import io.conclave.runtime.admin.GroupActiveException;
import io.conclave.runtime.admin.StreamsReset;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projections' Kafka Streams instance. Conclave owns its life cycle, rather than a framework,
 * so that a rebuild can stop it, reset its input and start it again: it starts once the HTTP server
 * has started, closes with the application (leaving the group, so the other instances take its
 * partitions at once), and each start keeps its local state in a fresh directory below {@link
 * StreamsSettings#stateRoot()}.
 *
 * <p>It starts after the HTTP server because Kafka Streams publishes this instance's HTTP address
 * to the group ({@code application.server}, see {@link AdvertisedAddress}) for the others to
 * forward queries to, and the port is known only once the server has bound it (a random one, {@code
 * micronaut.server.port: -1}, is picked then). Without an HTTP server it does not start.
 *
 * <p>Thread-safe: queries may run on any thread while a rebuild runs; they then answer {@link
 * ProjectionUnavailableException}. One rebuild at a time.
 */
@Context
public final class ProjectionRuntime
    implements AutoCloseable, ApplicationEventListener<ServerStartupEvent> {
  private static final Logger log = LoggerFactory.getLogger(ProjectionRuntime.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DELETION_TIMEOUT = Duration.ofSeconds(30);
  // after this instance left, the group may take a moment to settle (a member leaving starts a
  // rebalance)
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

  private final StreamsSettings settings;
  private final AdvertisedAddress address;
  private final Supplier<Topology> topology;
  private final List<String> inputTopics;
  private final Map<String, Object> deadLetterSettings;
  private final Admin admin;
  private final MeterRegistry meters;
  private final ReentrantLock lifecycle = new ReentrantLock();

  /** The running instance; null while stopped or rebuilding. */
  private volatile Instance current;

  /**
   * This instance's HTTP address, given to Kafka Streams; null until the HTTP server has started.
   */
  private volatile HostInfo self;

  /** Why {@link #current} is null, for the answers meanwhile. */
  private volatile String notRunning = "the projections are starting; retry shortly";

  /** Set once by {@link #close()}: nothing starts after it. Guarded by {@link #lifecycle}. */
  private boolean closed;

  /**
   * While an instance closes: its stream threads stop waiting for the schema registry ({@link
   * RegistryPatience}).
   */
  private volatile boolean stopping;

  private record Instance(KafkaStreams streams, Path stateDir, KafkaStreamsMetrics metrics) {}

  /**
   * What a rebuild did.
   *
   * @param applicationId the rebuilt application
   * @param from where its input was reset to
   * @param outcome the offsets per input topic-partition and the internal topics deleted
   */
  public record Rebuilt(String applicationId, LogPosition from, StreamsReset.Outcome outcome) {}

  ProjectionRuntime(
      StreamsSettings settings,
      ConclaveSettings conclave,
      TopologyFactory topologies,
      Admin admin,
      AdvertisedAddress address,
      MeterRegistry meters) {
    this.settings = settings;
    this.address = address;
    this.topology = topologies.topology(() -> this.stopping);
    this.inputTopics = ProjectionTopology.inputTopics(conclave.topics());
    this.deadLetterSettings = RegistryAwareErrors.deadLetterSettings(conclave);
    this.admin = admin;
    this.meters = meters;
  }

  /**
   * Starts Kafka Streams once the HTTP server listens, with its address (see the class comment).
   */
  @Override
  public void onApplicationEvent(ServerStartupEvent event) {
    lifecycle.lock();
    try {
      if (closed || current != null) {
        return;
      }
      self = address.at(event.getSource().getPort());
      current = launch(freshStateDir());
    } finally {
      lifecycle.unlock();
    }
  }

  /** The application id, which is also its consumer group. */
  public String applicationId() {
    return settings.applicationId();
  }

  /**
   * This instance's HTTP address as the group knows it ({@code application.server}); empty until it
   * started.
   */
  public Optional<HostInfo> self() {
    return Optional.ofNullable(self);
  }

  /** As {@link #self()}. @throws ProjectionUnavailableException until it started */
  public HostInfo requireSelf() {
    return self()
        .orElseThrow(
            () ->
                new ProjectionUnavailableException(
                    "the projections are starting; retry shortly", null));
  }

  /**
   * A read-only view of a store of this instance, over the partitions it holds (active ones).
   *
   * @throws ProjectionUnavailableException while Kafka Streams starts, rebalances or rebuilds, or
   *     has failed
   */
  public <T> T store(String name, QueryableStoreType<T> type) {
    return ask(streams -> streams.store(StoreQueryParameters.fromNameAndType(name, type)));
  }

  /**
   * A read-only view of one partition of a store of this instance.
   *
   * @throws ProjectionUnavailableException if this instance does not hold the partition now
   *     (active), or while Kafka Streams starts, rebalances or rebuilds, or has failed
   */
  public <T> T store(String name, QueryableStoreType<T> type, int partition) {
    return ask(
        streams ->
            streams.store(
                StoreQueryParameters.fromNameAndType(name, type).withPartition(partition)));
  }

  /**
   * Runs an interactive query (IQv2) on this instance's stores; the caller checks the result of
   * each partition.
   *
   * @throws ProjectionUnavailableException while Kafka Streams starts or rebuilds, or has failed
   */
  public <R> StateQueryResult<R> query(StateQueryRequest<R> request) {
    return ask(streams -> streams.query(request));
  }

  /**
   * Which instance holds {@code key} of {@code store} (the active one, by its {@code
   * application.server}), and in which partition; {@link KeyQueryMetadata#NOT_AVAILABLE} while the
   * group does not know (rebalancing).
   *
   * @throws ProjectionUnavailableException while Kafka Streams starts or rebuilds, or has failed
   */
  public <K> KeyQueryMetadata keyMetadata(String store, K key, Serializer<K> keySerializer) {
    return ask(streams -> streams.queryMetadataForKey(store, key, keySerializer));
  }

  /**
   * The partitions of {@code topic} whose part of {@code store} each instance of the application
   * holds (active), as this instance last learnt from the group.
   *
   * @throws ProjectionUnavailableException while Kafka Streams starts or rebuilds, or has failed
   */
  public Map<HostInfo, Set<Integer>> activePartitionsByHost(String store, String topic) {
    return ask(
        streams -> {
          Map<HostInfo, Set<Integer>> out = new HashMap<>();
          for (StreamsMetadata instance : streams.streamsMetadataForStore(store)) {
            out.put(instance.hostInfo(), partitionsOf(topic, instance.topicPartitions()));
          }
          return out;
        });
  }

  /**
   * The partitions of {@code topic} of the tasks this instance runs as active now (running or
   * restoring).
   *
   * @throws ProjectionUnavailableException while Kafka Streams starts or rebuilds
   */
  public Set<Integer> localActivePartitions(String topic) {
    return ask(
        streams -> {
          Set<TopicPartition> out = new HashSet<>();
          streams
              .metadataForLocalThreads()
              .forEach(
                  thread ->
                      thread.activeTasks().forEach(task -> out.addAll(task.topicPartitions())));
          return partitionsOf(topic, out);
        });
  }

  private static Set<Integer> partitionsOf(String topic, Collection<TopicPartition> partitions) {
    return partitions.stream()
        .filter(tp -> tp.topic().equals(topic))
        .map(TopicPartition::partition)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The state of this instance's Kafka Streams now, or empty while none runs (starting, rebuilding,
   * shutting down; {@link #notRunningReason()} says which).
   */
  public Optional<KafkaStreams.State> state() {
    Instance instance = current;
    return instance == null ? Optional.empty() : Optional.of(instance.streams().state());
  }

  /** Why no Kafka Streams instance runs, when {@link #state()} is empty. */
  public String notRunningReason() {
    return notRunning;
  }

  /**
   * Calls the running Kafka Streams instance, turning "not now" into {@link
   * ProjectionUnavailableException}.
   */
  private <R> R ask(Function<KafkaStreams, R> call) {
    Instance instance = current;
    if (instance == null) {
      throw new ProjectionUnavailableException(notRunning, null);
    }
    try {
      return call.apply(instance.streams());
    } catch (InvalidStateStoreException | IllegalStateException e) {
      // IllegalStateException: a call in PENDING_ERROR / ERROR (e.g. an input topic is missing)
      KafkaStreams.State state = instance.streams().state();
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR) {
        throw new ProjectionUnavailableException(
            "the projections are not running ("
                + state
                + "): this instance cannot answer until it is restarted or rebuilt",
            e);
      }
      throw new ProjectionUnavailableException(
          "the projections are starting or rebalancing; retry shortly", e);
    }
  }

  /**
   * Rebuilds the projections from {@code from} of their input topics: closes this instance (leaving
   * the group), resets the application ({@link StreamsReset}) and starts a new instance with empty
   * local state, which refills the stores from there. Queries answer {@link
   * ProjectionUnavailableException} meanwhile. Returns once the new instance is started, not once
   * it has caught up.
   *
   * @throws GroupActiveException if other instances are still members of the group; this instance
   *     is then started again unchanged
   * @throws RebuildInProgressException if a rebuild is already running
   * @throws ExecutionException if Kafka failed (this instance is started again unchanged; the reset
   *     may have happened in part, so retry the rebuild)
   */
  public Rebuilt rebuild(LogPosition from) throws InterruptedException, ExecutionException {
    if (!lifecycle.tryLock()) {
      throw new RebuildInProgressException(
          "a rebuild of " + applicationId() + " is already running; wait for it");
    }
    try {
      if (closed) {
        throw new ProjectionUnavailableException("the projections are shutting down", null);
      }
      if (self == null) {
        throw new ProjectionUnavailableException(notRunning, null);
      }
      Instance old = current;
      notRunning = "the projections are being rebuilt; retry shortly";
      current = null;
      log.info("rebuilding {} from {}: stopping this instance", applicationId(), from);
      Path oldState = old == null ? freshStateDir() : stop(old);
      StreamsReset.Outcome outcome;
      try {
        outcome = resetOnceSettled(from);
      } catch (GroupActiveException e) {
        current = launch(oldState);
        throw new GroupActiveException(
            e.group(),
            e.members(),
            "other projections instances are still members of group "
                + e.group()
                + " ("
                + e.members()
                + "): stop them, then rebuild; this instance restarted unchanged");
      } catch (InterruptedException | ExecutionException | RuntimeException e) {
        // the reset may have happened in part; only a successful rebuild makes the stores
        // consistent again
        log.warn(
            "rebuild of {} failed, restarting unchanged; retry the rebuild: {}",
            applicationId(),
            e.toString());
        current = launch(oldState);
        throw e;
      }
      log.info(
          "reset {} to {} on {}; deleted {}",
          applicationId(),
          from,
          inputTopics,
          outcome.deletedTopics());
      delete(oldState);
      current = launch(freshStateDir());
      return new Rebuilt(applicationId(), from, outcome);
    } finally {
      lifecycle.unlock();
    }
  }

  private StreamsReset.Outcome resetOnceSettled(LogPosition from)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (true) {
      try {
        return StreamsReset.reset(admin, applicationId(), inputTopics, from, DELETION_TIMEOUT);
      } catch (GroupActiveException e) {
        // no member but not yet empty: this instance's departure is still being processed
        if (e.members() > 0 || System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private Instance launch(Path stateDir) {
    Properties properties = settings.forInstance(stateDir, self);
    properties.putAll(deadLetterSettings);
    KafkaStreams streams = new KafkaStreams(topology.get(), properties);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING && before == KafkaStreams.State.REBALANCING
              || now == KafkaStreams.State.ERROR) {
            log.info("projections {} are {}", applicationId(), now);
          }
        });
    streams.setUncaughtExceptionHandler(RegistryAwareErrors::uncaught);
    // Kafka Streams' own metrics (process rates, lag, state stores) on /prometheus, tagged by
    // client
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(meters);
    streams.start();
    log.info(
        "projections {} started at {} (state in {})",
        applicationId(),
        AdvertisedAddress.endpoint(self),
        stateDir);
    return new Instance(streams, stateDir, metrics);
  }

  /** Closes the instance, leaving the group; returns its state directory. */
  private Path stop(Instance instance) {
    instance.metrics().close();
    stopping = true;
    try {
      boolean done =
          instance
              .streams()
              .close(
                  CloseOptions.groupMembershipOperation(
                          CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                      .withTimeout(CLOSE_TIMEOUT));
      if (!done) {
        log.warn("the projections did not close within {} s", CLOSE_TIMEOUT.toSeconds());
      }
    } finally {
      stopping = false;
    }
    return instance.stateDir();
  }

  private Path freshStateDir() {
    try {
      Files.createDirectories(settings.stateRoot());
      return Files.createTempDirectory(settings.stateRoot(), "projections-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a state directory below " + settings.stateRoot(), e);
    }
  }

  private static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(dir)) {
      tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("could not delete the old state directory {}: {}", dir, e.toString());
    }
  }

  @PreDestroy
  @Override
  public void close() {
    lifecycle.lock();
    try {
      closed = true;
      notRunning = "the projections are shutting down";
      Instance instance = current;
      current = null;
      if (instance != null) {
        delete(stop(instance));
      }
    } finally {
      lifecycle.unlock();
    }
  }
}
