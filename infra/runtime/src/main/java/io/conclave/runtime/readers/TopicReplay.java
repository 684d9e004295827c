package io.conclave.runtime.readers;

import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Re-reads a topic from a {@link LogPosition}, outside any consumer group and read_committed
 * (records of aborted transactions are never seen): what {@code conclave replay} prints and {@code
 * GET /admin/topics/{topic}/records} answers. Without {@link Request#follow() follow} a replay
 * stops at the end the partitions had when it started.
 *
 * <p>Each {@link #read} has its own consumer; calls are independent and may run concurrently.
 */
public final class TopicReplay {
  private static final Duration POLL = Duration.ofMillis(300);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  private TopicReplay() {}

  /**
   * What to read: immutable.
   *
   * @param topic the full topic name
   * @param partition only this partition, or every partition if empty
   * @param from where to start in each partition read
   * @param max stop after this many records delivered (>= 1; {@link Long#MAX_VALUE}: no limit)
   * @param follow keep waiting for new records instead of stopping at the end
   */
  public record Request(
      String topic, OptionalInt partition, LogPosition from, long max, boolean follow) {
    public Request {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(partition, "partition");
      Objects.requireNonNull(from, "from");
      if (partition.isPresent() && partition.getAsInt() < 0) {
        throw new IllegalArgumentException(
            "the partition must be >= 0, was " + partition.getAsInt());
      }
      if (max < 1) {
        throw new IllegalArgumentException("max must be >= 1, was " + max);
      }
    }

    /** Every partition of {@code topic} from {@code from} to its current end, no limit. */
    public static Request of(String topic, LogPosition from) {
      return new Request(topic, OptionalInt.empty(), from, Long.MAX_VALUE, false);
    }

    public Request withPartition(int p) {
      return new Request(topic, OptionalInt.of(p), from, max, follow);
    }

    public Request withMax(long n) {
      return new Request(topic, partition, from, n, follow);
    }

    public Request withFollow(boolean f) {
      return new Request(topic, partition, from, max, f);
    }
  }

  /**
   * How far a read is.
   *
   * @param partitions the partitions read
   * @param partitionsDone those read up to the end they had when the read began
   * @param offsetsRead offsets passed, from each partition's start to its end at the beginning
   *     (records of aborted transactions and transaction markers included: they take offsets too)
   * @param offsetsToRead offsets from each partition's start to that end
   * @param delivered records that passed the filter and went to the sink
   */
  public record Status(
      int partitions, int partitionsDone, long offsetsRead, long offsetsToRead, long delivered) {}

  /**
   * Delivers to {@code sink} each record that passes {@code filter}, in each partition's order
   * (partitions interleave), until the end or {@code max}.
   *
   * @return how many records were delivered
   * @throws UnknownTopicException if there is no such topic
   * @throws IllegalArgumentException if the topic has no such partition
   */
  public static long read(
      KafkaAccess kafka,
      Request request,
      Predicate<ConsumerRecord<byte[], byte[]>> filter,
      Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    return read(kafka, request, filter, sink, status -> {}).delivered();
  }

  /**
   * As {@link #read(KafkaAccess, Request, Predicate, Consumer)}, telling {@code progress} how far
   * it is after each poll and once more at the end.
   *
   * @return how far it went
   */
  public static Status read(
      KafkaAccess kafka,
      Request request,
      Predicate<ConsumerRecord<byte[], byte[]>> filter,
      Consumer<ConsumerRecord<byte[], byte[]>> sink,
      Consumer<Status> progress) {
    Map<String, Object> config = ClientConfigs.consumer(kafka, null);
    // asking for a topic's partitions must never create it
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    try (var consumer = new KafkaConsumer<byte[], byte[]>(config)) {
      String topic = request.topic();
      List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new UnknownTopicException(topic);
      }
      List<TopicPartition> tps =
          infos.stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .filter(
                  tp ->
                      request.partition().isEmpty()
                          || tp.partition() == request.partition().getAsInt())
              .sorted(Comparator.comparingInt(TopicPartition::partition))
              .toList();
      if (tps.isEmpty()) {
        throw new IllegalArgumentException(
            topic + " has no partition " + request.partition().getAsInt());
      }
      consumer.assign(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      seek(consumer, tps, request.from(), end);
      Map<TopicPartition, Long> start = new HashMap<>();
      tps.forEach(tp -> start.put(tp, consumer.position(tp))); // known locally after the seek
      long delivered = 0;
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          if (filter.test(r)) {
            sink.accept(r);
            if (++delivered >= request.max()) {
              return report(consumer, tps, start, end, delivered, progress);
            }
          }
        }
        Status status = report(consumer, tps, start, end, delivered, progress);
        if (!request.follow() && status.partitionsDone() == tps.size()) {
          return status;
        }
      }
    }
  }

  private static Status report(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> tps,
      Map<TopicPartition, Long> start,
      Map<TopicPartition, Long> end,
      long delivered,
      Consumer<Status> progress) {
    int done = 0;
    long read = 0;
    long toRead = 0;
    for (TopicPartition tp : tps) {
      long position = consumer.position(tp);
      long span = Math.max(0, end.get(tp) - start.get(tp));
      toRead += span;
      read += Math.min(span, Math.max(0, position - start.get(tp)));
      if (position >= end.get(tp)) {
        done++;
      }
    }
    Status status = new Status(tps.size(), done, read, toRead, delivered);
    progress.accept(status);
    return status;
  }

  private static void seek(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> tps,
      LogPosition from,
      Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
    Map<TopicPartition, OffsetAndTimestamp> atTime = Map.of();
    if (from instanceof LogPosition.Time t) {
      Map<TopicPartition, Long> query = new HashMap<>();
      tps.forEach(tp -> query.put(tp, t.time().toEpochMilli()));
      atTime = consumer.offsetsForTimes(query);
    }
    for (TopicPartition tp : tps) {
      OffsetAndTimestamp found = atTime.get(tp);
      consumer.seek(tp, from.in(begin.get(tp), end.get(tp), found == null ? null : found.offset()));
    }
  }
}
