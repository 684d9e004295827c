package io.conclave.runtime.loop;

import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which partitions a member owns, and the transactional producer of each: taking a partition over
 * (fence, then rebuild and seek, {@link #acquire}), giving it up ({@link #release}), and taking
 * over again what the group still gives this member after it stepped down ({@link #reconcile}). A
 * partition is owned exactly while it has a producer.
 */
final class PartitionOwnership {
  private static final Logger log = LoggerFactory.getLogger(TransactionalPartitionLoop.class);
  static final Duration RETRY_BACKOFF = Duration.ofMillis(500);
  static final int ACQUIRE_ATTEMPTS = 5;

  private final String name;
  private final List<String> topics;
  private final Consumer<byte[], byte[]> consumer;

  /**
   * A fresh transactional producer for a partition, its {@code transactional.id} bound to the
   * partition.
   */
  private final IntFunction<Producer<byte[], byte[]>> producers;

  private final PartitionHandler<?> handler;
  private final PendingOffsets pending;
  private final LoopTime time;
  private final BooleanSupplier running;
  private final Map<Integer, Producer<byte[], byte[]>> owned = new HashMap<>();

  PartitionOwnership(
      String name,
      List<String> topics,
      Consumer<byte[], byte[]> consumer,
      IntFunction<Producer<byte[], byte[]>> producers,
      PartitionHandler<?> handler,
      PendingOffsets pending,
      LoopTime time,
      BooleanSupplier running) {
    this.name = name;
    this.topics = List.copyOf(topics);
    this.consumer = consumer;
    this.producers = producers;
    this.handler = handler;
    this.pending = pending;
    this.time = time;
    this.running = running;
  }

  /** The partitions owned right now; any thread. */
  synchronized List<Integer> owned() {
    return List.copyOf(owned.keySet());
  }

  /** The producer of an owned partition, or null if this member does not own it. */
  synchronized Producer<byte[], byte[]> producer(int partition) {
    return owned.get(partition);
  }

  /** Partition {@code partition} of each of the loop's topics. */
  List<TopicPartition> topicPartitions(int partition) {
    return topics.stream().map(t -> new TopicPartition(t, partition)).toList();
  }

  /**
   * The listener that takes over what the group assigns and releases what it revokes or this member
   * lost.
   */
  ConsumerRebalanceListener rebalanceListener() {
    return new Rebalance();
  }

  /**
   * Takes over every partition the group assigns to this member but that it has stepped down from.
   * A cooperative rebalance can fail a commit (the generation moved) and still leave the partition
   * here, with no new assignment callback for it.
   */
  void reconcile() {
    Set<Integer> partitions = new TreeSet<>();
    consumer.assignment().forEach(tp -> partitions.add(tp.partition()));
    for (int partition : partitions) {
      if (producer(partition) == null) {
        log.info(
            "{}: partition {} is still ours after stepping down; taking it over again",
            name,
            partition);
        acquire(partition);
      }
    }
  }

  /**
   * Gives {@code partition} up without handing it over (fenced, or the group moved on) and pauses
   * what is still assigned of it: {@link #reconcile} takes it over again if the group still gives
   * it to this member.
   */
  void stepDown(int partition) {
    release(partition, false);
    consumer.pause(
        topicPartitions(partition).stream().filter(consumer.assignment()::contains).toList());
  }

  /**
   * Takes a partition over, retrying a while: a transient broker or registry error must not cost
   * the shard.
   */
  void acquire(int partition) {
    for (int attempt = 1; ; attempt++) {
      try {
        acquireOnce(partition);
        return;
      } catch (KafkaException | IllegalStateException e) {
        release(partition, false);
        // a take-over needs the registry to read the shard's state; while it is away, giving the
        // partition up would only hand the same wait to another member, so this one keeps trying
        boolean registryAway = SchemaRegistryUnavailableException.in(e).isPresent();
        if ((attempt >= ACQUIRE_ATTEMPTS && !registryAway) || !running.getAsBoolean()) {
          throw e;
        }
        log.warn(
            "{}: taking over partition {} failed ({}), attempt {}{}",
            name,
            partition,
            e.getMessage(),
            attempt,
            registryAway ? "; retrying until the registry answers" : " of " + ACQUIRE_ATTEMPTS);
        time.sleep(RETRY_BACKOFF.multipliedBy(Math.min(attempt, ACQUIRE_ATTEMPTS)));
      }
    }
  }

  private void acquireOnce(int partition) {
    long t0 = time.nanoTime();
    Producer<byte[], byte[]> producer = producer(partition);
    if (producer == null) {
      producer = fence(partition);
    }
    long t1 = time.nanoTime();
    List<TopicPartition> tps = topicPartitions(partition);
    Map<String, Long> committed = committedOffsets(tps);
    tps.forEach(tp -> consumer.seek(tp, committed.get(tp.topic())));
    List<ProducerRecord<byte[], byte[]>> first = handler.onAssigned(partition, committed);
    long t2 = time.nanoTime();
    if (!first.isEmpty()) {
      producer.beginTransaction();
      first.forEach(producer::send);
      producer.commitTransaction();
    }
    consumer.resume(tps);
    log.info(
        "{}: took over partition {} of {} in {} ms (fence {} ms, state {} ms, announce {} ms)",
        name,
        partition,
        String.join(", ", topics),
        (time.nanoTime() - t0) / 1_000_000,
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        (time.nanoTime() - t2) / 1_000_000);
  }

  /**
   * Becomes the only writer of {@code partition}: its producer's {@code initTransactions()} fences
   * the previous owner and aborts its open transaction. The state a take-over reads is complete
   * only once no fenced owner holds a transaction open in it (read_committed readers stop at the
   * oldest open transaction), so a member fences every partition it is given before it rebuilds
   * any.
   */
  private Producer<byte[], byte[]> fence(int partition) {
    Producer<byte[], byte[]> producer = producers.apply(partition);
    synchronized (this) {
      owned.put(partition, producer);
    }
    producer.initTransactions();
    return producer;
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

  /** Gives {@code partition} up: the handler forgets its state, and its producer is closed. */
  void release(int partition, boolean graceful) {
    Producer<byte[], byte[]> producer;
    synchronized (this) {
      producer = owned.remove(partition);
    }
    // the next owner starts from the committed offsets, and the handler's fold from the start of
    // the partition
    pending.forget(partition);
    if (producer != null) {
      if (graceful) {
        handler.onRevoked(partition);
      } else {
        handler.onLost(partition);
      }
      producer.close(graceful ? Duration.ofSeconds(5) : Duration.ZERO);
    }
  }

  void releaseAll() {
    for (int partition : owned()) {
      release(partition, true);
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
      taken.forEach(PartitionOwnership.this::acquire);
      if (!taken.isEmpty()) {
        log.info("{}: now owns partitions {} of {}", name, taken, String.join(", ", topics));
      }
    }

    private Set<Integer> numbers(Collection<TopicPartition> partitions) {
      Set<Integer> out = new TreeSet<>();
      partitions.forEach(tp -> out.add(tp.partition()));
      return out;
    }
  }
}
