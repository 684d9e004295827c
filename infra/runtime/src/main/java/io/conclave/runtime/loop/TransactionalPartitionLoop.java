package io.conclave.runtime.loop;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * <p>The loop consumes one topic, or several with the same number of partitions: then partition p of each is one
 * unit of ownership, always owned by the same member ({@link CoPartitionedAssignor}). Each partition this member owns
 * gets its own transactional producer whose {@code transactional.id} is bound to the partition
 * ({@code <prefix>-<partition>}): when ownership moves, the new owner's {@code initTransactions()} aborts whatever the
 * previous owner left open and fences it, so a paused or partitioned ex-owner can commit nothing more. A poll's
 * records of one partition are handled in one transaction that also commits the consumer offsets
 * ({@code sendOffsetsToTransaction} with the group metadata). Between polls the handler may {@link Handler#tick} to
 * write what is due by the clock, in a transaction of the partition's producer.
 *
 * <p>A record whose value cannot be read, or whose handling throws {@link PoisonRecordException} or
 * {@link IllegalArgumentException}, is written to the dead-letter topic in the same transaction and the loop
 * carries on; a tombstone (null value) is a deletion on a compacted topic and is skipped. Any other failure aborts
 * the transaction and the member takes the partition over again as a new owner would (a fresh producer, the
 * handler's state rebuilt from Kafka by {@link Handler#onRevoked} then {@link Handler#onAssigned}, back to the
 * committed offset), so the records are handled again. A member that cannot take a partition over after a few
 * attempts stops ({@link #done()} completes exceptionally).
 *
 * @param <V> the value type of the consumed topic
 */
public final class TransactionalPartitionLoop<V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransactionalPartitionLoop.class);
  private static final Duration RETRY_BACKOFF = Duration.ofMillis(500);
  private static final int ACQUIRE_ATTEMPTS = 5;

  /** What to do with the records of owned partitions. Called on the loop's thread only. */
  public interface Handler<V> {
    /**
     * This member now owns {@code partition} (of every topic of the loop); records below {@code committed.get(topic)}
     * were handled by an earlier owner. Rebuild whatever state the partition needs from Kafka and return records to
     * write first (in their own transaction), e.g. an announcement of leadership.
     */
    List<ProducerRecord<byte[], byte[]>> onAssigned(int partition, Map<String, Long> committed);

    /** Handle one record whose value was read; the returned records are written in the same transaction. */
    List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> record, V value);

    /**
     * Called for each owned partition between polls (at least every {@value #TICK_MS} ms): records due by the clock
     * rather than by a record (a deadline passed), written at once in a transaction of the partition's producer.
     */
    default List<ProducerRecord<byte[], byte[]>> tick(int partition) {
      return List.of();
    }

    /**
     * The records returned for a batch of {@code partition} have committed; {@code written} says where each landed,
     * in the order they were returned. Returns records derived from that (such as snapshots, which must know the
     * offsets their state covers); they are written at once, in a transaction of their own.
     */
    default List<ProducerRecord<byte[], byte[]>> onCommitted(int partition, List<RecordMetadata> written) {
      return List.of();
    }

    /**
     * Called once on the loop's thread before it joins the group: read whatever a take-over reads, so that the first
     * take-over does not pay for cold code, connections and registry look-ups.
     */
    default void warmUp() {
    }

    /**
     * The topics whose records must wait for now, asked between polls: their owned partitions are paused (nothing is
     * read or committed from them) until the handler no longer names them. E.g. an agent type's commands while the
     * model its steps ask has its circuit breaker open, so that they wait in Kafka instead of failing.
     */
    default Set<String> held() {
      return Set.of();
    }

    /** This member gave {@code partition} up in an orderly rebalance: forget its state. */
    void onRevoked(int partition);

    /**
     * This member lost {@code partition} without handing it over (its session expired, or a newer owner fenced it):
     * forget its state; another member may already own it.
     */
    default void onLost(int partition) {
      onRevoked(partition);
    }
  }

  /**
   * Identity and wiring of a loop; {@code topics} must have the same number of partitions.
   *
   * @param followedTopics topics the handler folds from the start of the partition whenever it takes a partition over
   *                       (so it does not need their committed offsets): a batch of only these records whose handling
   *                       writes nothing costs no transaction; their offsets are committed with the next one that does
   */
  public record Options(String name, KafkaAccess kafka, List<String> topics, String groupId,
                        String transactionalIdPrefix, String deadLetterTopic, Map<String, Object> consumerOverrides,
                        Set<String> followedTopics) {
    public Options(String name, KafkaAccess kafka, List<String> topics, String groupId,
                   String transactionalIdPrefix, String deadLetterTopic, Map<String, Object> consumerOverrides) {
      this(name, kafka, topics, groupId, transactionalIdPrefix, deadLetterTopic, consumerOverrides, Set.of());
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
  private final Map<String, Deserializer<? extends V>> valueReaders;
  private final Serializer<DeadLetter> deadLetterWriter;
  private final Handler<V> handler;
  private final Clock clock;
  private final Consumer<byte[], byte[]> consumer;
  private final Map<Integer, Producer<byte[], byte[]>> producers = new HashMap<>();
  /** Offsets of followed topics handled without a transaction; the loop's thread only. */
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  /** How long one poll's records may take before the rest waits for the next poll: a third of the poll interval. */
  private final long batchBudgetNanos;
  /** Owned partitions paused because the handler holds their topic; touched by the loop's thread only. */
  private final Set<TopicPartition> heldPaused = new HashSet<>();
  private volatile boolean running = true;
  /** When the loop started and when it last polled; null until then. */
  private volatile Instant startedAt;
  private volatile Instant lastPoll;
  private final Duration maxPollInterval;

  /** A loop over one topic. */
  public TransactionalPartitionLoop(Options options, Deserializer<V> valueReader,
                                    Serializer<DeadLetter> deadLetterWriter, Handler<V> handler, Clock clock) {
    this(options, Map.of(options.topics().get(0), valueReader), deadLetterWriter, handler, clock);
  }

  /** A loop over {@code valueReaders}' topics, which must be the options' topics. */
  public TransactionalPartitionLoop(Options options, Map<String, Deserializer<? extends V>> valueReaders,
                                    Serializer<DeadLetter> deadLetterWriter, Handler<V> handler, Clock clock) {
    if (!valueReaders.keySet().equals(Set.copyOf(options.topics()))) {
      throw new IllegalArgumentException("a reader for each of " + options.topics() + " is needed, got "
          + valueReaders.keySet());
    }
    this.options = options;
    this.valueReaders = Map.copyOf(valueReaders);
    this.deadLetterWriter = deadLetterWriter;
    this.handler = handler;
    this.clock = clock;
    Map<String, Object> consumerConfig = ClientConfigs.consumer(options.kafka(), options.groupId());
    consumerConfig.putAll(options.consumerOverrides());
    if (options.topics().size() > 1) {
      consumerConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CoPartitionedAssignor.class.getName());
    }
    this.consumer = new KafkaConsumer<>(consumerConfig);
    // Kafka's own default when the options do not say
    Object interval = consumerConfig.getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
    this.maxPollInterval = Duration.ofMillis(Long.parseLong(interval.toString()));
    this.batchBudgetNanos = maxPollInterval.dividedBy(3).toNanos();
    this.thread = new Thread(this::run, options.name());
  }

  /** Starts polling on a thread of its own. */
  public TransactionalPartitionLoop<V> start() {
    startedAt = clock.instant();
    thread.start();
    return this;
  }

  /** The partitions this member owns right now (for status pages and tests). */
  public synchronized List<Integer> ownedPartitions() {
    return List.copyOf(producers.keySet());
  }

  /** How the loop is doing, for a health check ({@link LoopHealth}). */
  public LoopHealth.Status status() {
    return new LoopHealth.Status(options.name(), Optional.ofNullable(startedAt), Optional.ofNullable(lastPoll),
        done.isDone(), maxPollInterval, ownedPartitions());
  }

  /**
   * Completes when the loop has stopped: normally after {@link #close()}, exceptionally if an unexpected error
   * stopped it (a process should then exit so that its supervisor restarts it).
   */
  public CompletableFuture<Void> done() {
    return done;
  }

  private void run() {
    RuntimeException failure = null;
    try {
      warmUp();
      consumer.subscribe(options.topics(), new Rebalance());
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(TICK_MS));
        lastPoll = clock.instant();
        reconcile();
        hold();
        Map<Integer, List<TopicPartition>> byPartition = new TreeMap<>();
        for (TopicPartition tp : records.partitions()) {
          byPartition.computeIfAbsent(tp.partition(), p -> new ArrayList<>()).add(tp);
        }
        byPartition.forEach((partition, tps) -> {
          Producer<byte[], byte[]> producer = producer(partition);
          if (producer != null) {
            transact(partition, producer, () -> handleBatch(tps, records, producer));
          }
        });
        for (int partition : ownedPartitions()) {
          Producer<byte[], byte[]> producer = producer(partition);
          if (producer != null) {
            transact(partition, producer, () -> tick(partition, producer));
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("{}: unexpected wakeup", options.name(), e);
      }
    } catch (RuntimeException e) {
      log.error("{}: stopped by an unexpected error", options.name(), e);
      failure = e;
    } finally {
      releaseAll();
      consumer.close(); // leaves the group at once, so the next owner takes over without waiting for a timeout
      stopped.countDown();
      if (failure == null) {
        done.complete(null);
      } else {
        done.completeExceptionally(failure);
      }
    }
  }

  /**
   * The records of one partition (of each topic) in a poll: handled in one transaction with their offsets, unless
   * they are all of followed topics and wrote nothing (their offsets then wait for the next transaction).
   */
  private void handleBatch(List<TopicPartition> tps, ConsumerRecords<byte[], byte[]> records,
                           Producer<byte[], byte[]> producer) {
    // records are sent as they are handled (the transaction begins with the first), so that the broker has them
    // by the time the batch is done
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    boolean begun = false;
    long start = System.nanoTime();
    int handled = 0;
    for (TopicPartition tp : tps) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      long next = -1; // the first record not handled, when the batch stops early
      for (ConsumerRecord<byte[], byte[]> record : list) {
        if (handled > 0 && System.nanoTime() - start >= batchBudgetNanos) {
          next = record.offset();
          break;
        }
        for (ProducerRecord<byte[], byte[]> out : handleOne(record)) {
          if (!begun) {
            producer.beginTransaction();
            begun = true;
          }
          sent.add(producer.send(out));
        }
        handled++;
        pending.put(tp, new OffsetAndMetadata(record.offset() + 1));
      }
      if (next >= 0) {
        // the batch has taken its share of max.poll.interval.ms: commit what is done, read the rest again
        int at = tps.indexOf(tp);
        consumer.seek(tp, next);
        tps.subList(at + 1, tps.size()).forEach(rest -> consumer.seek(rest, records.records(rest).get(0).offset()));
        log.info("{}: partition {} handled {} records in {} ms, its share of the poll interval; the rest is read "
            + "again", options.name(), tp.partition(), handled, (System.nanoTime() - start) / 1_000_000);
        break;
      }
    }
    if (!begun && tps.stream().allMatch(tp -> options.followedTopics().contains(tp.topic()))) {
      return;
    }
    if (!begun) {
      producer.beginTransaction();
    }
    int partition = tps.get(0).partition();
    producer.sendOffsetsToTransaction(pendingOffsets(partition), consumer.groupMetadata());
    producer.commitTransaction();
    options.topics().forEach(t -> pending.remove(new TopicPartition(t, partition)));
    writeDerived(partition, sent, producer);
  }

  /** The offsets of {@code partition} handled but not yet committed. */
  private Map<TopicPartition, OffsetAndMetadata> pendingOffsets(int partition) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (String topic : options.topics()) {
      OffsetAndMetadata o = pending.get(new TopicPartition(topic, partition));
      if (o != null) {
        offsets.put(new TopicPartition(topic, partition), o);
      }
    }
    return offsets;
  }

  private void tick(int partition, Producer<byte[], byte[]> producer) {
    List<ProducerRecord<byte[], byte[]>> due = handler.tick(partition);
    if (due.isEmpty()) {
      return;
    }
    producer.beginTransaction();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    due.forEach(r -> sent.add(producer.send(r)));
    Map<TopicPartition, OffsetAndMetadata> offsets = pendingOffsets(partition);
    if (!offsets.isEmpty()) {
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
    }
    producer.commitTransaction();
    options.topics().forEach(t -> pending.remove(new TopicPartition(t, partition)));
    writeDerived(partition, sent, producer);
  }

  private void writeDerived(int partition, List<Future<RecordMetadata>> sent, Producer<byte[], byte[]> producer) {
    List<ProducerRecord<byte[], byte[]>> derived = handler.onCommitted(partition, landed(sent));
    if (!derived.isEmpty()) {
      producer.beginTransaction();
      derived.forEach(producer::send);
      producer.commitTransaction();
    }
  }

  /** Runs one transaction of {@code partition}'s producer; a failure makes the member step down or take over anew. */
  private void transact(int partition, Producer<byte[], byte[]> producer, Runnable work) {
    try {
      work.run();
    } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException
             | CommitFailedException e) {
      // fenced by a newer owner, or the group moved on while we worked: what we wrote is aborted either way
      log.warn("{}: fenced on partition {} ({}); stepping down until the group says who owns it", options.name(),
          partition, e.getClass().getSimpleName());
      if (e instanceof CommitFailedException) {
        abortQuietly(producer);
      }
      release(partition, false);
      // reconcile() takes it over again if the group still gives it to us
      consumer.pause(topicPartitions(partition).stream().filter(consumer.assignment()::contains).toList());
    } catch (KafkaException | IllegalStateException e) {
      log.warn("{}: transaction on partition {} aborted ({}); taking the partition over again", options.name(),
          partition, e.toString());
      abortQuietly(producer);
      sleep(RETRY_BACKOFF);
      // as a new owner would: fresh producer, state rebuilt from Kafka, back to the committed offsets
      release(partition, false);
      acquire(partition);
    }
  }

  /** Pauses the owned partitions of the topics the handler holds, and resumes those it no longer holds. */
  private void hold() {
    Set<String> held = handler.held();
    if (held.isEmpty() && heldPaused.isEmpty()) {
      return;
    }
    Set<TopicPartition> assigned = consumer.assignment();
    heldPaused.retainAll(assigned);
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (int partition : ownedPartitions()) {
      for (TopicPartition tp : topicPartitions(partition)) {
        if (!assigned.contains(tp)) {
          continue;
        }
        if (held.contains(tp.topic())) {
          // a take-over resumes what it acquires: pause again whatever is still held
          heldPaused.add(tp);
          if (!consumer.paused().contains(tp)) {
            pause.add(tp);
          }
        } else if (heldPaused.remove(tp)) {
          resume.add(tp);
        }
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
      log.info("{}: holding {} (their records wait)", options.name(), pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
      log.info("{}: reading {} again", options.name(), resume);
    }
  }

  /** Partition {@code partition} of each of the loop's topics. */
  private List<TopicPartition> topicPartitions(int partition) {
    return options.topics().stream().map(t -> new TopicPartition(t, partition)).toList();
  }

  /** Where the sends of a committed transaction landed; a commit returns only once every send is done. */
  private static List<RecordMetadata> landed(List<Future<RecordMetadata>> sent) {
    List<RecordMetadata> out = new ArrayList<>(sent.size());
    for (Future<RecordMetadata> f : sent) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        throw new IllegalStateException("a send of a committed transaction failed: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return out;
  }

  private List<ProducerRecord<byte[], byte[]>> handleOne(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      // a tombstone deletes a key of a compacted topic; it is not something to handle
      log.debug("{}: tombstone at {}-{}@{} skipped", options.name(), record.topic(), record.partition(),
          record.offset());
      return List.of();
    }
    V value;
    try {
      value = valueReaders.get(record.topic()).deserialize(record.topic(), record.headers(), record.value());
      if (value == null) {
        throw new PoisonRecordException("record has no value");
      }
    } catch (RuntimeException e) {
      // a registry that is away says nothing about the record: the transaction aborts and the record is read again
      SchemaRegistryUnavailableException.rethrowIfIn(e);
      // whatever else the deserializer throws for these bytes, it will throw again: the record is poison
      return List.of(deadLetter(record, e));
    }
    try {
      return handler.handle(record, value);
    } catch (PoisonRecordException | IllegalArgumentException e) {
      return List.of(deadLetter(record, e));
    }
  }

  private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record, RuntimeException e) {
    DeadLetter letter = DeadLetters.of(record.topic(), record.partition(), record.offset(), record.key(),
        record.value(), e, clock.instant());
    log.warn("{}: record {}-{}@{} sent to {}: {}", options.name(), record.topic(), record.partition(),
        record.offset(), options.deadLetterTopic(), letter.errorMessage());
    return new ProducerRecord<>(options.deadLetterTopic(), null, null, record.key(),
        deadLetterWriter.serialize(options.deadLetterTopic(), letter), DeadLetters.headers(letter));
  }

  private Map<String, Long> committedOffsets(List<TopicPartition> tps) {
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(tps));
    Map<TopicPartition, Long> beginnings = null;
    Map<String, Long> out = new HashMap<>();
    for (TopicPartition tp : tps) {
      OffsetAndMetadata c = committed.get(tp);
      if (c == null && beginnings == null) {
        beginnings = consumer.beginningOffsets(tps);
      }
      out.put(tp.topic(), c != null ? c.offset() : beginnings.get(tp));
    }
    return out;
  }

  /**
   * Takes over every partition the group assigns to this member but that it has stepped down from. A cooperative
   * rebalance can fail a commit (the generation moved) and still leave the partition here, with no new assignment
   * callback for it.
   */
  private void reconcile() {
    Set<Integer> partitions = new TreeSet<>();
    consumer.assignment().forEach(tp -> partitions.add(tp.partition()));
    for (int partition : partitions) {
      if (producer(partition) == null) {
        log.info("{}: partition {} is still ours after stepping down; taking it over again", options.name(),
            partition);
        acquire(partition);
      }
    }
  }

  /**
   * Runs once through what a take-over does (a transactional producer's initialisation, an offset look-up, the
   * handler's {@link Handler#warmUp}) before joining the group, so that the first take-over does not pay for cold code and connections. The warm-up producer
   * has a transactional id of its own and fences nobody.
   */
  private void warmUp() {
    long t0 = System.nanoTime();
    String warmId = options.transactionalIdPrefix() + "-warmup-" + UUID.randomUUID();
    try (Producer<byte[], byte[]> p =
             new KafkaProducer<>(ClientConfigs.transactionalProducer(options.kafka(), warmId))) {
      p.initTransactions();
      p.beginTransaction();
      p.commitTransaction();
      consumer.committed(Set.copyOf(consumer.partitionsFor(options.topics().get(0)).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList()));
      handler.warmUp();
    } catch (RuntimeException e) {
      // a warm-up only saves time: whatever failed here, the take-over does again and reports
      log.warn("{}: warm-up failed ({}); going on", options.name(), e.toString());
    }
    log.debug("{}: warmed up in {} ms", options.name(), (System.nanoTime() - t0) / 1_000_000);
  }

  private synchronized Producer<byte[], byte[]> producer(int partition) {
    return producers.get(partition);
  }

  /** Takes a partition over, retrying a while: a transient broker or registry error must not cost the shard. */
  private void acquire(int partition) {
    for (int attempt = 1; ; attempt++) {
      try {
        acquireOnce(partition);
        return;
      } catch (KafkaException | IllegalStateException e) {
        release(partition, false);
        // a take-over needs the registry to read the shard's state; while it is away, giving the partition up would
        // only hand the same wait to another member, so this one keeps trying
        boolean registryAway = SchemaRegistryUnavailableException.in(e).isPresent();
        if ((attempt >= ACQUIRE_ATTEMPTS && !registryAway) || !running) {
          throw e;
        }
        log.warn("{}: taking over partition {} failed ({}), attempt {}{}", options.name(), partition,
            e.getMessage(), attempt, registryAway ? "; retrying until the registry answers" : " of " + ACQUIRE_ATTEMPTS);
        sleep(RETRY_BACKOFF.multipliedBy(Math.min(attempt, ACQUIRE_ATTEMPTS)));
      }
    }
  }

  private void acquireOnce(int partition) {
    long t0 = System.nanoTime();
    Producer<byte[], byte[]> producer = producer(partition);
    if (producer == null) {
      producer = fence(partition);
    }
    long t1 = System.nanoTime();
    List<TopicPartition> tps = topicPartitions(partition);
    Map<String, Long> committed = committedOffsets(tps);
    tps.forEach(tp -> consumer.seek(tp, committed.get(tp.topic())));
    List<ProducerRecord<byte[], byte[]>> first = handler.onAssigned(partition, committed);
    long t2 = System.nanoTime();
    if (!first.isEmpty()) {
      producer.beginTransaction();
      first.forEach(producer::send);
      producer.commitTransaction();
    }
    consumer.resume(tps);
    log.info("{}: took over partition {} of {} in {} ms (fence {} ms, state {} ms, announce {} ms)", options.name(),
        partition, String.join(", ", options.topics()), (System.nanoTime() - t0) / 1_000_000, (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
  }

  /**
   * Becomes the only writer of {@code partition}: its producer's {@code initTransactions()} fences the previous owner
   * and aborts its open transaction. The state a take-over reads is complete only once no fenced owner holds a
   * transaction open in it (read_committed readers stop at the oldest open transaction), so a member fences every
   * partition it is given before it rebuilds any.
   */
  private Producer<byte[], byte[]> fence(int partition) {
    String txId = options.transactionalIdPrefix() + "-" + partition;
    Producer<byte[], byte[]> producer =
        new KafkaProducer<>(ClientConfigs.transactionalProducer(options.kafka(), txId));
    synchronized (this) {
      producers.put(partition, producer);
    }
    producer.initTransactions();
    return producer;
  }

  private void release(int partition, boolean graceful) {
    Producer<byte[], byte[]> producer;
    synchronized (this) {
      producer = producers.remove(partition);
    }
    // the next owner starts from the committed offsets, and the handler's fold from the start of the partition
    topicPartitions(partition).forEach(pending::remove);
    if (producer != null) {
      if (graceful) {
        handler.onRevoked(partition);
      } else {
        handler.onLost(partition);
      }
      producer.close(graceful ? Duration.ofSeconds(5) : Duration.ZERO);
    }
  }

  private void releaseAll() {
    for (int partition : ownedPartitions()) {
      release(partition, true);
    }
  }

  private static void abortQuietly(Producer<byte[], byte[]> producer) {
    try {
      producer.abortTransaction();
    } catch (KafkaException | IllegalStateException e) {
      log.debug("abort failed: {}", e.toString());
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops polling, releases every partition (closing its producer) and leaves the group. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      if (Thread.currentThread() != thread && thread.isAlive() && !stopped.await(30, TimeUnit.SECONDS)) {
        log.warn("{}: did not stop within 30 s", options.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      numbers(partitions).forEach(p -> release(p, true));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      numbers(partitions).forEach(p -> release(p, false));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      List<Integer> taken = numbers(partitions).stream().filter(p -> producer(p) == null).toList();
      for (int partition : taken) {
        try {
          fence(partition);
        } catch (KafkaException | IllegalStateException e) {
          release(partition, false); // acquire() below tries again
        }
      }
      taken.forEach(TransactionalPartitionLoop.this::acquire);
      if (!taken.isEmpty()) {
        log.info("{}: now owns partitions {} of {}", options.name(), taken, String.join(", ", options.topics()));
      }
    }

    private Set<Integer> numbers(Collection<TopicPartition> partitions) {
      Set<Integer> out = new TreeSet<>();
      partitions.forEach(tp -> out.add(tp.partition()));
      return out;
    }
  }
}
