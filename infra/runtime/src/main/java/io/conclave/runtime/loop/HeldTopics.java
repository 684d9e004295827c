package io.conclave.runtime.loop;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses the owned partitions of the topics the handler holds ({@link PartitionHandler#held}), and
 * resumes those it no longer holds. The loop's thread only.
 */
final class HeldTopics {
  private static final Logger log = LoggerFactory.getLogger(TransactionalPartitionLoop.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final PartitionHandler<?> handler;
  private final PartitionOwnership ownership;

  /** Owned partitions paused because the handler holds their topic. */
  private final Set<TopicPartition> paused = new HashSet<>();

  HeldTopics(
      String name,
      Consumer<byte[], byte[]> consumer,
      PartitionHandler<?> handler,
      PartitionOwnership ownership) {
    this.name = name;
    this.consumer = consumer;
    this.handler = handler;
    this.ownership = ownership;
  }

  /** Asks the handler what it holds now, and pauses or resumes the owned partitions to match. */
  void hold() {
    Set<String> held = handler.held();
    if (held.isEmpty() && paused.isEmpty()) {
      return;
    }
    Set<TopicPartition> assigned = consumer.assignment();
    paused.retainAll(assigned);
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (int partition : ownership.owned()) {
      for (TopicPartition tp : ownership.topicPartitions(partition)) {
        if (!assigned.contains(tp)) {
          continue;
        }
        if (held.contains(tp.topic())) {
          // a take-over resumes what it acquires: pause again whatever is still held
          paused.add(tp);
          if (!consumer.paused().contains(tp)) {
            pause.add(tp);
          }
        } else if (paused.remove(tp)) {
          resume.add(tp);
        }
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
      log.info("{}: holding {} (their records wait)", name, pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
      log.info("{}: reading {} again", name, resume);
    }
  }
}
