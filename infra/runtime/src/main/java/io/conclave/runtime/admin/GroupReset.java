package io.conclave.runtime.admin;

import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.readers.UnknownTopicException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Moves a consumer group's committed offsets on some topics back (or forward) to a {@link
 * LogPosition}, as {@code kafka-consumer-groups --reset-offsets} does. Refuses while the group has
 * members: their next commit would overwrite the reset. Conclave's consumers are idempotent, so
 * re-reading records starts no saga and repeats no step a second time.
 *
 * <p>Stateless; the {@link Admin} client is the caller's.
 */
public final class GroupReset {
  private GroupReset() {}

  /**
   * Resets {@code group} on every partition of {@code topic}.
   *
   * @return the new offset of each partition
   * @throws GroupActiveException if the group has members (nothing is moved)
   * @throws UnknownTopicException if there is no such topic
   * @throws ExecutionException if Kafka refuses or fails otherwise
   */
  public static Map<TopicPartition, Long> reset(
      Admin admin, String group, String topic, LogPosition to)
      throws InterruptedException, ExecutionException {
    return reset(admin, group, List.of(topic), to);
  }

  /**
   * Resets {@code group} on every partition of each of {@code topics}, all in one offset commit.
   *
   * @return the new offset of each partition, in topic order
   * @throws GroupActiveException if the group has members (nothing is moved)
   * @throws UnknownTopicException if one of the topics does not exist (nothing is moved)
   * @throws ExecutionException if Kafka refuses or fails otherwise
   */
  public static Map<TopicPartition, Long> reset(
      Admin admin, String group, Collection<String> topics, LogPosition to)
      throws InterruptedException, ExecutionException {
    requireInactive(admin, group);
    Map<TopicPartition, Long> wanted = targets(admin, topics, to);
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    wanted.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    try {
      admin.alterConsumerGroupOffsets(group, commit).all().get();
    } catch (ExecutionException e) {
      // a member joined between the check and the commit: the broker refuses, which is the same
      // answer
      if (e.getCause() instanceof GroupNotEmptyException) {
        throw new GroupActiveException(
            group,
            0,
            "group "
                + group
                + " got a member during the reset; stop its members "
                + "before resetting it");
      }
      throw e;
    }
    return wanted;
  }

  /**
   * Where a reset of every partition of each of {@code topics} to {@code to} would move a group,
   * changing nothing: what a reset's preview shows.
   *
   * @return the offset of each partition, in topic order
   * @throws UnknownTopicException if one of the topics does not exist
   */
  public static Map<TopicPartition, Long> targets(
      Admin admin, Collection<String> topics, LogPosition to)
      throws InterruptedException, ExecutionException {
    List<TopicPartition> partitions = partitions(admin, topics);
    Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = offsets(admin, partitions, OffsetSpec.latest());
    Map<TopicPartition, Long> atTime =
        to instanceof LogPosition.Time t
            ? offsets(admin, partitions, OffsetSpec.forTimestamp(t.time().toEpochMilli()))
            : Map.of();
    Map<TopicPartition, Long> wanted = new LinkedHashMap<>();
    partitions.forEach(
        tp -> wanted.put(tp, to.in(earliest.get(tp), latest.get(tp), atTime.get(tp))));
    return wanted;
  }

  /**
   * Checks that {@code group} has no members and is not rebalancing; a group that never existed is
   * inactive.
   *
   * @throws GroupActiveException if it is active
   */
  public static void requireInactive(Admin admin, String group)
      throws InterruptedException, ExecutionException {
    ConsumerGroupDescription description;
    try {
      description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return;
      }
      throw e;
    }
    if (!description.members().isEmpty()
        || description.groupState() == GroupState.STABLE
        || description.groupState() == GroupState.PREPARING_REBALANCE
        || description.groupState() == GroupState.COMPLETING_REBALANCE) {
      throw GroupActiveException.described(
          group, description.members().size(), description.groupState().toString());
    }
  }

  private static List<TopicPartition> partitions(Admin admin, Collection<String> topics)
      throws InterruptedException, ExecutionException {
    Map<String, KafkaFuture<TopicDescription>> described =
        admin.describeTopics(topics).topicNameValues();
    List<TopicPartition> out = new ArrayList<>();
    for (String topic : topics) {
      try {
        described
            .get(topic)
            .get()
            .partitions()
            .forEach(p -> out.add(new TopicPartition(topic, p.partition())));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          throw new UnknownTopicException(topic);
        }
        throw e;
      }
    }
    return out;
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, spec));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found =
        admin.listOffsets(query).all().get();
    Map<TopicPartition, Long> out = new HashMap<>();
    found.forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }
}
