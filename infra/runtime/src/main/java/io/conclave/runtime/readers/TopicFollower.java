package io.conclave.runtime.readers;

import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon thread that reads every partition of a topic from its beginning (or from where a start
 * function says) and then as it grows (committed transactions only, no consumer group, nothing
 * committed), handing each record to a callback on that thread. For the views a process keeps of a
 * whole topic: the workers' knowledge, the shard leaders' breakers. If it breaks down it logs one
 * line saying what the process goes without, and stops.
 */
public final class TopicFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(1);

  private final String topic;
  private final String withoutIt;
  private final Function<List<TopicPartition>, Map<TopicPartition, Long>> startAt;
  private final Consumer<ConsumerRecord<byte[], byte[]>> onRecord;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param name the thread's name
   * @param withoutIt what the process goes without if the follower stops, for the log line that
   *     says so
   * @param onRecord called with each record, tombstones included, in each partition's order
   */
  public TopicFollower(
      KafkaAccess kafka,
      String topic,
      String name,
      String withoutIt,
      Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    this(kafka, topic, name, withoutIt, partitions -> Map.of(), onRecord);
  }

  /**
   * A follower that starts each partition where {@code startAt} says.
   *
   * @param startAt called once on the follower's thread with the topic's partitions, before the
   *     first record: the offset to start each at; a partition it leaves out starts at its
   *     beginning, and one whose offset the topic's retention has passed too
   */
  public TopicFollower(
      KafkaAccess kafka,
      String topic,
      String name,
      String withoutIt,
      Function<List<TopicPartition>, Map<TopicPartition, Long>> startAt,
      Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.withoutIt = Objects.requireNonNull(withoutIt, "withoutIt");
    this.startAt = Objects.requireNonNull(startAt, "startAt");
    this.onRecord = Objects.requireNonNull(onRecord, "onRecord");
    this.consumer = new KafkaConsumer<>(ClientConfigs.consumer(kafka, null));
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  public TopicFollower start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> from = startAt.apply(partitions);
      consumer.seekToBeginning(partitions.stream().filter(tp -> !from.containsKey(tp)).toList());
      from.forEach(consumer::seek);
      while (running) {
        deliver(consumer.poll(POLL));
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      log.warn("{} stopped reading {}: {}; {}", thread.getName(), topic, e.toString(), withoutIt);
    } finally {
      consumer.close(Duration.ZERO);
    }
  }

  /**
   * Hands {@code records} to the callback. While the schema registry is away, the record it could
   * not read and those after it are read again after a pause, not skipped: the view would miss them
   * for good.
   */
  private void deliver(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    for (TopicPartition tp : records.partitions()) {
      for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
        try {
          onRecord.accept(record);
        } catch (SchemaRegistryUnavailableException e) {
          log.warn(
              "{} waits for the schema registry to read {}-{}@{}: {}",
              thread.getName(),
              record.topic(),
              record.partition(),
              record.offset(),
              e.getMessage());
          // this partition from the record on, and the partitions not reached yet, from their first
          // record
          consumer.seek(tp, record.offset());
          records.partitions().stream()
              .dropWhile(p -> !p.equals(tp))
              .skip(1)
              .forEach(p -> consumer.seek(p, records.records(p).get(0).offset()));
          Thread.sleep(REGISTRY_BACKOFF.toMillis());
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    if (!thread.isAlive()) {
      consumer.close(Duration.ZERO);
      return;
    }
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
