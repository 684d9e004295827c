package io.conclave.bench;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * What a set of topics holds at one moment, per topic: the sum of its partitions' end offsets
 * (records written, transaction markers included: each takes an offset) and the bytes of its
 * replicas' logs on the brokers ({@code describeLogDirs}). Two readings tell what a stretch of work
 * wrote; the bytes are what the logs grew by, so a compaction or a deleted segment in between makes
 * them smaller than what was written.
 *
 * @param records end offsets summed over the topic's partitions, by topic
 * @param bytes sizes of the topic's replicas' logs, by topic
 */
record TopicFootprint(Map<String, Long> records, Map<String, Long> bytes) {
  TopicFootprint {
    records = Collections.unmodifiableMap(new TreeMap<>(records));
    bytes = Collections.unmodifiableMap(new TreeMap<>(bytes));
  }

  /** The topics that {@code which} selects, read now with {@code admin}. */
  static TopicFootprint read(Admin admin, Predicate<String> which)
      throws ExecutionException, InterruptedException {
    List<String> topics = admin.listTopics().names().get().stream().filter(which).sorted().toList();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get()
        .forEach(
            (name, d) ->
                d.partitions()
                    .forEach(
                        p ->
                            latest.put(
                                new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    Map<String, Long> records = new TreeMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get()
        .forEach((tp, info) -> records.merge(tp.topic(), info.offset(), Long::sum));
    List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
    Map<String, Long> bytes = new TreeMap<>();
    admin
        .describeLogDirs(brokers)
        .allDescriptions()
        .get()
        .values()
        .forEach(
            dirs ->
                dirs.values()
                    .forEach(
                        dir ->
                            dir.replicaInfos()
                                .forEach(
                                    (tp, replica) -> {
                                      if (records.containsKey(tp.topic())) {
                                        bytes.merge(tp.topic(), replica.size(), Long::sum);
                                      }
                                    })));
    return new TopicFootprint(records, bytes);
  }

  /**
   * What was written since {@code earlier}: the differences, topic by topic (a topic new since then
   * from 0).
   */
  TopicFootprint since(TopicFootprint earlier) {
    Map<String, Long> r = new TreeMap<>();
    records.forEach((t, n) -> r.put(t, n - earlier.records.getOrDefault(t, 0L)));
    Map<String, Long> b = new TreeMap<>();
    bytes.forEach((t, n) -> b.put(t, n - earlier.bytes.getOrDefault(t, 0L)));
    return new TopicFootprint(r, b);
  }

  long totalRecords() {
    return records.values().stream().mapToLong(Long::longValue).sum();
  }

  long totalBytes() {
    return bytes.values().stream().mapToLong(Long::longValue).sum();
  }
}
