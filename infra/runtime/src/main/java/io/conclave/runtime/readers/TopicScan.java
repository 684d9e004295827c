package io.conclave.runtime.readers;

import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads partitions from an offset up to a bound, outside any consumer group (read_committed). Used
 * to rebuild state when a member takes a partition over: the log is the state. An instance keeps
 * its consumer (connections and metadata) between scans, so a take-over does not pay for a new
 * client; it is not thread-safe.
 */
public final class TopicScan implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicScan.class);
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * Longer than a transaction of a dead producer that nobody fences may stay open: the producers'
   * transaction.timeout.ms (30 s) plus the broker's check for timed-out transactions (every 10 s by
   * default).
   */
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(45);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private boolean settle = true;

  /** Only asks where partitions end, counting records of open transactions. */
  private final KafkaConsumer<byte[], byte[]> written;

  public TopicScan(KafkaAccess kafka) {
    Map<String, Object> config = ClientConfigs.consumer(kafka, null);
    // a fetch parked at the end of a partition would hold up the next request on the connection
    // (the broker answers one request per connection at a time): a scan wants answers, not long
    // polls
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    // an unreachable cluster must fail a read (a take-over retries it, an HTTP query answers 503),
    // not hang it
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    this.consumer = new KafkaConsumer<>(config);
    Map<String, Object> uncommitted = new HashMap<>(config);
    uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    this.written = new KafkaConsumer<>(uncommitted);
  }

  /** A one-off scan with a consumer of its own. */
  public static void scan(
      KafkaAccess kafka,
      TopicPartition tp,
      long from,
      long until,
      Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
    try (TopicScan scan = new TopicScan(kafka)) {
      scan.scan(tp, from, until, visitor);
    }
  }

  /**
   * Every committed record of {@code tp} in [{@code from}, {@code until}); {@code until < 0} means
   * everything written so far: the scan then waits for the transactions open at its start to end,
   * so that no committed record written before it is missed (the last stable offset stops at the
   * first record of the oldest open transaction, however many records committed after it).
   *
   * @throws IllegalStateException if a transaction stays open longer than any producer may keep one
   */
  public void scan(
      TopicPartition tp, long from, long until, Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
    scanWhile(
        tp,
        from,
        until,
        r -> {
          visitor.accept(r);
          return true;
        });
  }

  /**
   * The committed records of {@code tp} in [{@code from}, {@code until}) up to the first one {@code
   * visitor} answers false for; {@code until < 0} means the current end.
   */
  public void scanWhile(
      TopicPartition tp, long from, long until, Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
    List<TopicPartition> one = List.of(tp);
    long end =
        until >= 0
            ? until
            : endOffset(tp); // before the assignment: endOffset assigns and unassigns
    consumer.assign(one);
    try {
      long start = Math.max(from, consumer.beginningOffsets(one).get(tp));
      if (start >= end) {
        return;
      }
      consumer.seek(tp, start);
      long t0 = System.nanoTime();
      boolean slowReported = false;
      long deadline = t0 + SETTLE_TIMEOUT.toNanos();
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
          if (r.offset() >= end || !visitor.test(r)) {
            return;
          }
        }
        if (System.nanoTime() - t0 > 200_000_000L && !slowReported) {
          slowReported = true;
          // usually the consumer stepping over the last commit marker, not a transaction: not an
          // operator's event
          log.debug(
              "reading {} up to offset {}: waiting for a transaction open before it (at {} now)",
              tp,
              end,
              consumer.position(tp));
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              tp
                  + " has had a transaction open before offset "
                  + end
                  + " for more than "
                  + SETTLE_TIMEOUT.toSeconds()
                  + " s; its committed records cannot all be read yet");
        }
      }
    } finally {
      consumer.assign(List.of());
    }
  }

  /** The offset after the last record written to {@code tp}, committed or not. */
  private long writtenEnd(TopicPartition tp) {
    written.assign(List.of(tp));
    try {
      return written.endOffsets(List.of(tp)).get(tp);
    } finally {
      written.assign(List.of());
    }
  }

  /**
   * The offset after the last record written to {@code tp}, committed or not: a scan up to it waits
   * for the transactions open now to end, and then holds every committed record written before this
   * call. Inside {@link #unsettled}, the last stable offset instead.
   */
  public long endOffset(TopicPartition tp) {
    long written =
        writtenEnd(tp); // asked in a warm-up too, so that a take-over finds that client warm
    return settle ? written : assigned(tp, () -> consumer.endOffsets(List.of(tp)).get(tp));
  }

  /**
   * Runs {@code reads} with the ends at the last stable offsets, so that they wait for no open
   * transaction and may miss what commits after one: for a warm-up, which reads to warm up, not to
   * know. A member warms up before it joins its group, so before it can fence anyone whose
   * transaction a settled read would wait for.
   */
  public void unsettled(Runnable reads) {
    settle = false;
    try {
      reads.run();
    } finally {
      settle = true;
    }
  }

  /** How many partitions {@code topic} has; 0 if it does not exist. */
  public int partitionCount(String topic) {
    List<?> partitions = consumer.partitionsFor(topic);
    return partitions == null ? 0 : partitions.size();
  }

  /** The offset of the first record of {@code tp} still in the log. */
  public long beginningOffset(TopicPartition tp) {
    return assigned(tp, () -> consumer.beginningOffsets(List.of(tp)).get(tp));
  }

  /**
   * Offset look-ups of a partition the consumer is not assigned make it warn when their answer
   * comes back.
   */
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
    written.close();
  }
}
