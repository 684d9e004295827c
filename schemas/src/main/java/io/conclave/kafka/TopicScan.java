package io.conclave.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one partition from an offset up to a bound with a throw-away consumer outside any group (read_committed).
 * Used to rebuild state when a member takes a partition over: the log is the state.
 */
public final class TopicScan {
  private static final Duration POLL = Duration.ofMillis(200);

  private TopicScan() {}

  /** Every committed record of {@code tp} in [{@code from}, {@code until}); {@code until < 0} means the current end. */
  public static void scan(String bootstrapServers, TopicPartition tp, long from, long until,
                          Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
    Map<String, Object> config = ClientConfigs.consumer(bootstrapServers, null);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> one = List.of(tp);
      consumer.assign(one);
      long end = until >= 0 ? until : consumer.endOffsets(one).get(tp);
      long start = Math.max(from, consumer.beginningOffsets(one).get(tp));
      if (start >= end) {
        return;
      }
      consumer.seek(tp, start);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
          if (r.offset() >= end) {
            return;
          }
          visitor.accept(r);
        }
      }
    }
  }
}
