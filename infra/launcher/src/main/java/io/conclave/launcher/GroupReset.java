package io.conclave.launcher;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Moves a consumer group's committed offsets on one topic back (or forward) to an offset or a point in time, as
 * {@code kafka-consumer-groups --reset-offsets} does. Refuses while the group has members: their next commit would
 * overwrite the reset. Conclave's consumers are idempotent, so re-reading records starts no saga and repeats no step
 * a second time.
 */
final class GroupReset {
  private GroupReset() {}

  /** Where to move to: an offset in every partition, or the first record at or after a time. */
  sealed interface Target {
    record ToOffset(long offset) implements Target {
      public ToOffset {
        if (offset < 0) {
          throw new IllegalArgumentException("the offset must be >= 0, was " + offset);
        }
      }
    }

    record ToTime(Instant time) implements Target {}
  }

  /** Resets and returns the new offset of each partition. */
  static Map<TopicPartition, Long> reset(Admin admin, String group, String topic, Target target)
      throws InterruptedException, ExecutionException {
    ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    if (!description.members().isEmpty() || description.groupState() == GroupState.STABLE
        || description.groupState() == GroupState.PREPARING_REBALANCE
        || description.groupState() == GroupState.COMPLETING_REBALANCE) {
      throw new IllegalStateException("group " + group + " is active (" + description.members().size()
          + " members, " + description.groupState() + "); stop its members before resetting it");
    }
    List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
        .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = offsets(admin, partitions, OffsetSpec.latest());
    Map<TopicPartition, Long> wanted;
    if (target instanceof Target.ToOffset o) {
      wanted = partitions.stream().collect(Collectors.toMap(tp -> tp,
          tp -> Math.min(Math.max(o.offset(), earliest.get(tp)), latest.get(tp))));
    } else {
      Map<TopicPartition, Long> atTime =
          offsets(admin, partitions, OffsetSpec.forTimestamp(((Target.ToTime) target).time().toEpochMilli()));
      // no record at or after the time: the end of the partition
      wanted = partitions.stream().collect(Collectors.toMap(tp -> tp,
          tp -> atTime.get(tp) < 0 ? latest.get(tp) : atTime.get(tp)));
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    wanted.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    admin.alterConsumerGroupOffsets(group, commit).all().get();
    return wanted;
  }

  private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, spec));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = admin.listOffsets(query).all().get();
    Map<TopicPartition, Long> out = new HashMap<>();
    found.forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }
}
