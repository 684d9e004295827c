package io.conclave.runtime.loop;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.TopicPartition;

/**
 * Cooperative-sticky assignment of one topic, mirrored onto the others: the member that gets
 * partition p of the lead topic (the first subscribed topic in name order) gets partition p of
 * every topic it subscribes to. A {@link TransactionalPartitionLoop} over several topics relies on
 * it: partition p of each is one unit of ownership, with one transactional producer (so a worker's
 * step commands and compensations for one agent instance, or a shard's tasks and saga events, have
 * a single writer). Because the mirrored partitions move exactly when the lead partition moves, the
 * cooperative two-phase hand-over of the lead topic carries over to them.
 */
public final class CoPartitionedAssignor implements ConsumerPartitionAssignor {
  private final CooperativeStickyAssignor delegate = new CooperativeStickyAssignor();

  @Override
  public String name() {
    return "conclave-copartitioned";
  }

  @Override
  public List<RebalanceProtocol> supportedProtocols() {
    return delegate.supportedProtocols();
  }

  @Override
  public short version() {
    return delegate.version();
  }

  @Override
  public ByteBuffer subscriptionUserData(Set<String> topics) {
    return delegate.subscriptionUserData(topics);
  }

  @Override
  public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
    delegate.onAssignment(assignment, metadata);
  }

  @Override
  public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
    Map<String, Subscription> members = groupSubscription.groupSubscription();
    TreeSet<String> all = new TreeSet<>();
    members.values().forEach(s -> all.addAll(s.topics()));
    if (all.isEmpty()) {
      return delegate.assign(metadata, groupSubscription);
    }
    String lead = all.first();
    Map<String, Subscription> leadOnly = new HashMap<>();
    members.forEach(
        (member, s) -> {
          Subscription only =
              new Subscription(
                  s.topics().contains(lead) ? List.of(lead) : List.of(),
                  s.userData(),
                  s.ownedPartitions().stream().filter(tp -> tp.topic().equals(lead)).toList(),
                  s.generationId().orElse(-1),
                  s.rackId());
          only.setGroupInstanceId(s.groupInstanceId());
          leadOnly.put(member, only);
        });
    GroupAssignment assigned = delegate.assign(metadata, new GroupSubscription(leadOnly));
    Map<String, Assignment> mirrored = new HashMap<>();
    assigned
        .groupAssignment()
        .forEach(
            (member, a) -> {
              List<TopicPartition> partitions = new ArrayList<>();
              for (TopicPartition tp : a.partitions()) {
                for (String topic : members.get(member).topics()) {
                  Integer count = metadata.partitionCountForTopic(topic);
                  if (count != null && tp.partition() < count) {
                    partitions.add(new TopicPartition(topic, tp.partition()));
                  }
                }
              }
              mirrored.put(member, new Assignment(partitions, a.userData()));
            });
    return new GroupAssignment(mirrored);
  }
}
