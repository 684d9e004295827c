package io.conclave.projections.http;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer lag of consumer groups, read through the Admin API in two round trips (every group's
 * committed offsets at once, then the ends of their partitions): per group and partition, the last
 * stable offset minus the group's committed offset. Only the partitions a group committed an offset
 * on are there; a group that committed nothing maps to no partitions. Shared by the {@code
 * conclave_consumer_lag} gauge and the backlog that bounds submissions.
 */
public final class ConsumerLag {
  private ConsumerLag() {}

  /**
   * The lag of each of {@code groups} on each partition it committed on.
   *
   * @param timeout how long each of the two calls may take
   */
  public static Map<String, Map<TopicPartition, Long>> read(
      Admin admin, Collection<String> groups, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
        specs.isEmpty()
            ? Map.of()
            : admin
                .listConsumerGroupOffsets(specs)
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
    committed
        .values()
        .forEach(offsets -> offsets.keySet().forEach(tp -> wanted.put(tp, OffsetSpec.latest())));
    // the topics are written in transactions: read_committed's end (the last stable offset) is what
    // a group can reach
    Map<TopicPartition, ListOffsetsResultInfo> ends =
        wanted.isEmpty()
            ? Map.of()
            : admin
                .listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<String, Map<TopicPartition, Long>> lag = new TreeMap<>();
    for (String group : groups) {
      Map<TopicPartition, Long> partitions = new HashMap<>();
      committed
          .getOrDefault(group, Map.of())
          .forEach(
              (tp, offset) -> {
                ListOffsetsResultInfo end = ends.get(tp);
                if (end != null && offset != null) {
                  partitions.put(tp, Math.max(0, end.offset() - offset.offset()));
                }
              });
      lag.put(group, Map.copyOf(partitions));
    }
    return lag;
  }
}
