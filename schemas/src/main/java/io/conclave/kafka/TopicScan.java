package io.conclave.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads partitions from an offset up to a bound, outside any consumer group (read_committed). Used to rebuild state
 * when a member takes a partition over: the log is the state. An instance keeps its consumer (connections and
 * metadata) between scans, so a take-over does not pay for a new client; it is not thread-safe.
 */
public final class TopicScan implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<byte[], byte[]> consumer;

  public TopicScan(String bootstrapServers) {
    Map<String, Object> config = ClientConfigs.consumer(bootstrapServers, null);
    // a fetch parked at the end of a partition would hold up the next request on the connection (the broker answers
    // one request per connection at a time): a scan wants answers, not long polls
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    // an unreachable cluster must fail a read (a take-over retries it, an HTTP query answers 503), not hang it
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    this.consumer = new KafkaConsumer<>(config);
  }

  /** A one-off scan with a consumer of its own. */
  public static void scan(String bootstrapServers, TopicPartition tp, long from, long until,
                          Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
    try (TopicScan scan = new TopicScan(bootstrapServers)) {
      scan.scan(tp, from, until, visitor);
    }
  }

  /** Every committed record of {@code tp} in [{@code from}, {@code until}); {@code until < 0} means the current end. */
  public void scan(TopicPartition tp, long from, long until, Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
    scanWhile(tp, from, until, r -> {
      visitor.accept(r);
      return true;
    });
  }

  /**
   * The committed records of {@code tp} in [{@code from}, {@code until}) up to the first one {@code visitor} answers
   * false for; {@code until < 0} means the current end.
   */
  public void scanWhile(TopicPartition tp, long from, long until, Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
    List<TopicPartition> one = List.of(tp);
    consumer.assign(one);
    try {
      long end = until >= 0 ? until : consumer.endOffsets(one).get(tp);
      long start = Math.max(from, consumer.beginningOffsets(one).get(tp));
      if (start >= end) {
        return;
      }
      consumer.seek(tp, start);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
          if (r.offset() >= end || !visitor.test(r)) {
            return;
          }
        }
      }
    } finally {
      consumer.assign(List.of());
    }
  }

  /** The offset after the last record of {@code tp} (for read_committed: after the last stable one). */
  public long endOffset(TopicPartition tp) {
    return assigned(tp, () -> consumer.endOffsets(List.of(tp)).get(tp));
  }

  /** The offset of the first record of {@code tp} still in the log. */
  public long beginningOffset(TopicPartition tp) {
    return assigned(tp, () -> consumer.beginningOffsets(List.of(tp)).get(tp));
  }

  /** Offset look-ups of a partition the consumer is not assigned make it warn when their answer comes back. */
  private long assigned(TopicPartition tp, LongSupplier lookUp) {
    consumer.assign(List.of(tp));
    try {
      return lookUp.getAsLong();
    } finally {
      consumer.assign(List.of());
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
