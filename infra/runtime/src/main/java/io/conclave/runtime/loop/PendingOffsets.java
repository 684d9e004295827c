package io.conclave.runtime.loop;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets a loop has handled but not committed yet, per topic-partition: those of a batch until
 * its transaction commits, and those of followed topics handled without a transaction until the
 * next one. The loop's thread only.
 */
final class PendingOffsets {
  private final List<String> topics;
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();

  PendingOffsets(List<String> topics) {
    this.topics = List.copyOf(topics);
  }

  /** {@code record} of {@code tp} is handled: the next owner starts after it once this commits. */
  void handled(TopicPartition tp, long offset) {
    pending.put(tp, new OffsetAndMetadata(offset + 1));
  }

  /** The offsets of {@code partition} (of each topic) handled but not yet committed. */
  Map<TopicPartition, OffsetAndMetadata> of(int partition) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (String topic : topics) {
      OffsetAndMetadata o = pending.get(new TopicPartition(topic, partition));
      if (o != null) {
        offsets.put(new TopicPartition(topic, partition), o);
      }
    }
    return offsets;
  }

  /** The offsets of {@code partition} committed, or given up with the partition. */
  void forget(int partition) {
    topics.forEach(t -> pending.remove(new TopicPartition(t, partition)));
  }
}
