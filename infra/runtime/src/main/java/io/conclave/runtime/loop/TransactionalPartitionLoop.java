package io.conclave.runtime.loop;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume-process-produce with exactly-once effects on Kafka, one partition at a time.
 *
 * <p>The loop consumes one topic, or several with the same number of partitions: then partition p
 * of each is one unit of ownership, always owned by the same member ({@link
 * CoPartitionedAssignor}). Each partition this member owns gets its own transactional producer
 * whose {@code transactional.id} is bound to the partition ({@code <prefix>-<partition>}): when
 * ownership moves, the new owner's {@code initTransactions()} aborts whatever the previous owner
 * left open and fences it, so a paused or partitioned ex-owner can commit nothing more. A poll's
 * records of one partition are handled in one transaction that also commits the consumer offsets
 * ({@code sendOffsetsToTransaction} with the group metadata). Between polls the handler may {@link
 * PartitionHandler#tick} to write what is due by the clock, in a transaction of the partition's
 * producer.
 *
 * <p>A record whose value cannot be read, or whose handling throws {@link PoisonRecordException},
 * is written to the dead-letter topic in the same transaction and the loop carries on; a tombstone
 * (null value) is a deletion on a compacted topic and is skipped. A fenced producer, or a commit
 * the group's generation moved past, makes the member step down from the partition until the group
 * says who owns it. A {@link KafkaException} or an {@link IllegalStateException} aborts the
 * transaction and the member takes the partition over again as a new owner would (a fresh producer,
 * the handler's state rebuilt from Kafka by {@link PartitionHandler#onLost} then {@link
 * PartitionHandler#onAssigned}, back to the committed offset), so the records are handled again.
 * Any other exception is a bug and stops the loop, as does a member that cannot take a partition
 * over after a few attempts ({@link #done()} completes exceptionally). {@link PartitionHandler}
 * says what a handler throws for which.
 *
 * <p>The parts, each in a class of its own: {@link PartitionOwnership} (fence, acquire, release,
 * reconcile), {@link BatchTransaction} (a batch or a tick in one transaction, within the batch's
 * time budget), {@link DeadLetterRouting} (poison to the dead-letter topic) and {@link HeldTopics}
 * (topics the handler holds). This class polls, hands each partition's records to them, and decides
 * what a failed transaction costs.
 *
 * @param <V> the value type of the consumed topic
 */
public final class TransactionalPartitionLoop<V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransactionalPartitionLoop.class);

  /**
   * Identity and wiring of a loop; {@code topics} must have the same number of partitions.
   *
   * @param followedTopics topics the handler folds from the start of the partition whenever it
   *     takes a partition over (so it does not need their committed offsets): a batch of only these
   *     records whose handling writes nothing costs no transaction; their offsets are committed
   *     with the next one that does
   */
  public record Options(
      String name,
      KafkaAccess kafka,
      List<String> topics,
      String groupId,
      String transactionalIdPrefix,
      String deadLetterTopic,
      Map<String, Object> consumerOverrides,
      Set<String> followedTopics) {
    public Options(
        String name,
        KafkaAccess kafka,
        List<String> topics,
        String groupId,
        String transactionalIdPrefix,
        String deadLetterTopic,
        Map<String, Object> consumerOverrides) {
      this(
          name,
          kafka,
          topics,
          groupId,
          transactionalIdPrefix,
          deadLetterTopic,
          consumerOverrides,
          Set.of());
    }

    public Options {
      followedTopics = Set.copyOf(followedTopics);
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kafka, "kafka");
      topics = List.copyOf(topics);
      if (topics.isEmpty()) {
        throw new IllegalArgumentException("a loop consumes at least one topic");
      }
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
      Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
      consumerOverrides = Map.copyOf(consumerOverrides);
    }
  }

  /** How long a poll waits for records at most: the ticks' period when nothing arrives. */
  public static final int TICK_MS = 100;

  private final Options options;
  private final PartitionHandler<V> handler;
  private final Clock clock;

  /*
   * Plain Kafka clients, not micronaut-kafka's @KafkaListener even in a Micronaut service: the loop
   * needs a producer per owned partition whose transactional.id is bound to that partition (so a
   * new owner fences the old one), sendOffsetsToTransaction with the consumer's group metadata, and
   * its own rebalance listener that steps down and takes over partition by partition. A listener
   * offers one producer per listener and commits on its own terms. The application measures these
   * clients through LoopClients (io.conclave.runtime.service.MeteredLoopClients).
   */
  private final LoopClients clients;
  private final LoopTime time;
  private final Consumer<byte[], byte[]> consumer;
  private final PartitionOwnership ownership;
  private final BatchTransaction<V> transactions;
  private final HeldTopics heldTopics;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile boolean running = true;

  /** When the loop started and when it last polled; null until then. */
  private volatile Instant startedAt;

  private volatile Instant lastPoll;
  private final Duration maxPollInterval;

  /** A loop over one topic. */
  public TransactionalPartitionLoop(
      Options options,
      Deserializer<V> valueReader,
      Serializer<DeadLetter> deadLetterWriter,
      PartitionHandler<V> handler,
      Clock clock) {
    this(options, Map.of(options.topics().get(0), valueReader), deadLetterWriter, handler, clock);
  }

  /** A loop over {@code valueReaders}' topics, which must be the options' topics. */
  public TransactionalPartitionLoop(
      Options options,
      Map<String, Deserializer<? extends V>> valueReaders,
      Serializer<DeadLetter> deadLetterWriter,
      PartitionHandler<V> handler,
      Clock clock) {
    this(options, valueReaders, deadLetterWriter, handler, clock, LoopClients.KAFKA);
  }

  /** A loop whose Kafka clients {@code clients} creates. */
  public TransactionalPartitionLoop(
      Options options,
      Map<String, Deserializer<? extends V>> valueReaders,
      Serializer<DeadLetter> deadLetterWriter,
      PartitionHandler<V> handler,
      Clock clock,
      LoopClients clients) {
    this(options, valueReaders, deadLetterWriter, handler, clock, clients, LoopTime.SYSTEM);
  }

  TransactionalPartitionLoop(
      Options options,
      Map<String, Deserializer<? extends V>> valueReaders,
      Serializer<DeadLetter> deadLetterWriter,
      PartitionHandler<V> handler,
      Clock clock,
      LoopClients clients,
      LoopTime time) {
    if (!valueReaders.keySet().equals(Set.copyOf(options.topics()))) {
      throw new IllegalArgumentException(
          "a reader for each of " + options.topics() + " is needed, got " + valueReaders.keySet());
    }
    this.options = options;
    this.handler = handler;
    this.clock = clock;
    this.clients = clients;
    this.time = time;
    Map<String, Object> consumerConfig = ClientConfigs.consumer(options.kafka(), options.groupId());
    consumerConfig.putAll(options.consumerOverrides());
    if (options.topics().size() > 1) {
      consumerConfig.put(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          CoPartitionedAssignor.class.getName());
    }
    this.consumer = clients.consumer(consumerConfig);
    // Kafka's own default when the options do not say
    Object interval =
        consumerConfig.getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
    this.maxPollInterval = Duration.ofMillis(Long.parseLong(interval.toString()));
    PendingOffsets pending = new PendingOffsets(options.topics());
    this.ownership =
        new PartitionOwnership(
            options.name(),
            options.topics(),
            consumer,
            partition ->
                clients.producer(
                    ClientConfigs.transactionalProducer(
                        options.kafka(), options.transactionalIdPrefix() + "-" + partition)),
            handler,
            pending,
            time,
            () -> running);
    var routing =
        new DeadLetterRouting<>(
            options.name(),
            options.deadLetterTopic(),
            valueReaders,
            deadLetterWriter,
            handler,
            clock);
    // a batch may take a third of the poll interval before the rest waits for the next poll
    this.transactions =
        new BatchTransaction<>(
            options.name(),
            options.topics(),
            options.followedTopics(),
            consumer,
            handler,
            routing,
            pending,
            time,
            maxPollInterval.dividedBy(3).toNanos());
    this.heldTopics = new HeldTopics(options.name(), consumer, handler, ownership);
    this.thread = new Thread(this::run, options.name());
  }

  /** Starts polling on a thread of its own. */
  public TransactionalPartitionLoop<V> start() {
    startedAt = clock.instant();
    thread.start();
    return this;
  }

  /** The partitions this member owns right now (for status pages and tests). */
  public List<Integer> ownedPartitions() {
    return ownership.owned();
  }

  /** How the loop is doing, for a health check ({@link LoopHealth}). */
  public LoopHealth.Status status() {
    return new LoopHealth.Status(
        options.name(),
        Optional.ofNullable(startedAt),
        Optional.ofNullable(lastPoll),
        done.isDone(),
        maxPollInterval,
        ownedPartitions());
  }

  /**
   * Completes when the loop has stopped: normally after {@link #close()}, exceptionally if an
   * unexpected error stopped it (a process should then exit so that its supervisor restarts it).
   */
  public CompletableFuture<Void> done() {
    return done;
  }

  private void run() {
    RuntimeException failure = null;
    try {
      warmUp();
      join();
      while (running) {
        pollOnce();
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("{}: unexpected wakeup", options.name(), e);
      }
    } catch (RuntimeException e) {
      log.error("{}: stopped by an unexpected error", options.name(), e);
      failure = e;
    } finally {
      ownership.releaseAll();
      consumer
          .close(); // leaves the group at once, so the next owner takes over without waiting for a
      // timeout
      stopped.countDown();
      if (failure == null) {
        done.complete(null);
      } else {
        done.completeExceptionally(failure);
      }
    }
  }

  /** Joins the group: the partitions it assigns are taken over as they come. */
  void join() {
    consumer.subscribe(options.topics(), ownership.rebalanceListener());
  }

  /**
   * One turn of the loop: a poll, its records handled partition by partition, then each owned
   * partition's tick.
   */
  void pollOnce() {
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(TICK_MS));
    lastPoll = clock.instant();
    ownership.reconcile();
    heldTopics.hold();
    Map<Integer, List<TopicPartition>> byPartition = new TreeMap<>();
    for (TopicPartition tp : records.partitions()) {
      byPartition.computeIfAbsent(tp.partition(), p -> new ArrayList<>()).add(tp);
    }
    byPartition.forEach(
        (partition, tps) -> {
          Producer<byte[], byte[]> producer = ownership.producer(partition);
          if (producer != null) {
            transact(partition, producer, () -> transactions.handleBatch(tps, records, producer));
          }
        });
    for (int partition : ownedPartitions()) {
      Producer<byte[], byte[]> producer = ownership.producer(partition);
      if (producer != null) {
        transact(partition, producer, () -> transactions.tick(partition, producer));
      }
    }
  }

  /**
   * Runs one transaction of {@code partition}'s producer; a failure makes the member step down or
   * take over anew.
   */
  private void transact(int partition, Producer<byte[], byte[]> producer, Runnable work) {
    try {
      work.run();
    } catch (ProducerFencedException
        | InvalidProducerEpochException
        | FencedInstanceIdException
        | CommitFailedException e) {
      // fenced by a newer owner, or the group moved on while we worked: what we wrote is aborted
      // either way
      log.warn(
          "{}: fenced on partition {} ({}); stepping down until the group says who owns it",
          options.name(),
          partition,
          e.getClass().getSimpleName());
      if (e instanceof CommitFailedException) {
        abortQuietly(producer);
      }
      // reconcile() takes it over again if the group still gives it to us
      ownership.stepDown(partition);
    } catch (KafkaException | IllegalStateException e) {
      log.warn(
          "{}: transaction on partition {} aborted ({}); taking the partition over again",
          options.name(),
          partition,
          e.toString());
      abortQuietly(producer);
      time.sleep(PartitionOwnership.RETRY_BACKOFF);
      // as a new owner would: fresh producer, state rebuilt from Kafka, back to the committed
      // offsets
      ownership.release(partition, false);
      ownership.acquire(partition);
    }
  }

  /**
   * Runs once through what a take-over does (a transactional producer's initialisation, an offset
   * look-up, the handler's {@link PartitionHandler#warmUp}) before joining the group, so that the
   * first take-over does not pay for cold code and connections. The warm-up producer has a
   * transactional id of its own and fences nobody.
   */
  private void warmUp() {
    long t0 = time.nanoTime();
    String warmId = options.transactionalIdPrefix() + "-warmup-" + UUID.randomUUID();
    try (Producer<byte[], byte[]> p =
        clients.producer(ClientConfigs.transactionalProducer(options.kafka(), warmId))) {
      p.initTransactions();
      p.beginTransaction();
      p.commitTransaction();
      consumer.committed(
          Set.copyOf(
              consumer.partitionsFor(options.topics().get(0)).stream()
                  .map(i -> new TopicPartition(i.topic(), i.partition()))
                  .toList()));
      handler.warmUp();
    } catch (RuntimeException e) {
      // a warm-up only saves time: whatever failed here, the take-over does again and reports
      log.warn("{}: warm-up failed ({}); going on", options.name(), e.toString());
    }
    log.debug("{}: warmed up in {} ms", options.name(), (time.nanoTime() - t0) / 1_000_000);
  }

  private static void abortQuietly(Producer<byte[], byte[]> producer) {
    try {
      producer.abortTransaction();
    } catch (KafkaException | IllegalStateException e) {
      log.debug("abort failed: {}", e.toString());
    }
  }

  /** Stops polling, releases every partition (closing its producer) and leaves the group. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      if (Thread.currentThread() != thread
          && thread.isAlive()
          && !stopped.await(30, TimeUnit.SECONDS)) {
        log.warn("{}: did not stop within 30 s", options.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
