package io.conclave.worker;

import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import io.conclave.runtime.topics.TopicNames;
import io.conclave.schemas.KnowledgeStateSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Where a {@link KnowledgeFeed} starts: the projections' merged knowledge and the offsets of
 * conclave.knowledge it covers, so that a feed reads the topic's tail instead of its whole history.
 * The merged knowledge is the changelog of the projections' knowledge store ({@link
 * TopicNames#knowledgeChangelog()}: compacted, each key's {@link KnowledgeState}); the offsets are
 * those the projections' consumer group committed on conclave.knowledge. Kafka Streams commits both
 * in one transaction (exactly-once v2), so a changelog read to its end after the offsets were read
 * covers at least the deltas before them; the deltas it covers beyond them are read again from the
 * topic, which changes nothing, as merging is idempotent.
 */
final class KnowledgeCheckpoint {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Deserializer<KnowledgeState> STATES =
      new KnowledgeStateSerde().deserializer();

  private KnowledgeCheckpoint() {}

  /** Where to start. */
  sealed interface Start {
    /**
     * From the projections' checkpoint.
     *
     * @param states each key's merged state in the changelog
     * @param offsets where to read conclave.knowledge from, for each partition the projections
     *     committed on (the others: from their beginning)
     */
    record FromCheckpoint(Map<String, KnowledgeState> states, Map<TopicPartition, Long> offsets)
        implements Start {
      public FromCheckpoint {
        states = Map.copyOf(states);
        offsets = Map.copyOf(offsets);
      }
    }

    /** From the topic's beginning, because of {@code why}. */
    record FromBeginning(String why) implements Start {
      public FromBeginning {
        Objects.requireNonNull(why, "why");
      }
    }
  }

  /**
   * Reads the checkpoint for the partitions {@code knowledge} of conclave.knowledge, or says why
   * there is none: the projections never ran, committed nothing, or were rebuilt while it was read.
   *
   * @param timeout how long reading it may take
   * @throws TimeoutException if the changelog was not read to its end in time
   * @throws ExecutionException if Kafka refused a call
   */
  static Start read(
      KafkaAccess kafka, TopicNames topics, List<TopicPartition> knowledge, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    String changelog = topics.knowledgeChangelog();
    String group = topics.projectionsApplicationId();
    Instant deadline = Instant.now().plus(timeout);
    try (Admin admin =
        Admin.create(
            ClientConfigs.admin(
                kafka,
                "knowledge-feed-checkpoint",
                (int) timeout.toMillis(),
                (int) Math.min(timeout.toMillis(), 5_000)))) {
      Optional<TopicDescription> before = describe(admin, changelog, timeout);
      if (before.isEmpty()) {
        return new Start.FromBeginning("the projections have no knowledge changelog " + changelog);
      }
      // the offsets first: the changelog read afterwards covers at least the deltas before them
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, Long> offsets = new HashMap<>();
      for (TopicPartition tp : knowledge) {
        OffsetAndMetadata offset = committed.get(tp);
        if (offset != null) {
          offsets.put(tp, offset.offset());
        }
      }
      if (offsets.isEmpty()) {
        return new Start.FromBeginning(
            "the projections' group "
                + group
                + " has committed no offset on "
                + knowledge.get(0).topic());
      }
      Map<String, KnowledgeState> states = readToEnd(kafka, before.get(), deadline);
      // a rebuild resets the group and deletes the changelog: one between the two reads left
      // offsets the changelog
      // read may not cover; the topic's id tells
      Optional<TopicDescription> after = describe(admin, changelog, timeout);
      if (after.isEmpty() || !after.get().topicId().equals(before.get().topicId())) {
        return new Start.FromBeginning(
            "the projections were rebuilt while their changelog was read");
      }
      return new Start.FromCheckpoint(states, offsets);
    }
  }

  private static Optional<TopicDescription> describe(Admin admin, String topic, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return Optional.of(
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static Duration remaining(Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Each key's last state in the changelog, read to its last stable offset. */
  private static Map<String, KnowledgeState> readToEnd(
      KafkaAccess kafka, TopicDescription changelog, Instant deadline) throws TimeoutException {
    Map<String, Object> config = ClientConfigs.consumer(kafka, null);
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "knowledge-feed-checkpoint");
    Map<String, KnowledgeState> states = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions =
          changelog.partitions().stream()
              .map(p -> new TopicPartition(changelog.name(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // read_committed: the ends are the last stable offsets, past which the projections' open
      // transaction writes
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (Instant.now().isAfter(deadline)) {
          throw new TimeoutException(
              "the changelog " + changelog.name() + " was not read to its end in time");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          String key = new String(record.key(), StandardCharsets.UTF_8);
          KnowledgeState state = STATES.deserialize(record.topic(), record.value());
          if (state == null) {
            states.remove(key);
          } else {
            states.put(key, state); // a key's later record holds all its earlier one did
          }
        }
      }
    }
    return states;
  }
}
