package io.conclave.projections.knowledge;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.runtime.KnowledgeSettings;
import io.conclave.runtime.topics.TopicNames;
import io.conclave.schemas.KnowledgeStateSerde;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The knowledge sub-topology: conclave.knowledge (raw bytes) -> {@link KnowledgeMerge} -> the two
 * knowledge stores, and the records it cannot merge -> conclave.dead-letters (in the task's
 * transaction, so with exactly-once a record is either merged or dead-lettered, once).
 *
 * <ul>
 *   <li>{@value #STORE}: knowledge key -> its {@link KnowledgeState}, the merge of every delta of
 *       the key;
 *   <li>{@value #HISTORY}: a versioned store, knowledge key -> at each time t the merge of the
 *       key's deltas with {@code at <= t}, kept for the history retention behind the partition's
 *       newest delta (see {@link KnowledgeMerge}).
 * </ul>
 *
 * Both are persistent and backed by a changelog. Workers key a delta's record by its knowledge key
 * with the default partitioner, as Kafka Streams partitions a string key, so a key's deltas all
 * reach the task holding its state: no repartition topic.
 */
public final class KnowledgeTopology {
  public static final String STORE = TopicNames.KNOWLEDGE_STORE;
  public static final String HISTORY = "knowledge-history";

  /** How long the history keeps versions behind the newest delta, unless configured otherwise. */
  public static final Duration DEFAULT_HISTORY_RETENTION =
      KnowledgeSettings.DEFAULT_HISTORY_RETENTION;

  /**
   * The history's segment interval, at most. A versioned store keeps, per key and segment, every
   * version of the key in that segment as one value, which each new version of the key reads and
   * writes whole: a key written at r versions a second costs a write of up to r x the interval per
   * delta. Kafka Streams' default interval for a week's retention is 7 hours, so a counter that
   * every step increments cost a little more with each step, hours long (the projections' CPU per
   * saga tripled within 15,000 sagas of {@code bench system}). Ten seconds bound it to what ten
   * seconds of the key's writes hold, at the price of more segments to walk for a version far back
   * (one lookup each, for {@code ?at=} queries and late deltas only).
   */
  static final Duration MAX_SEGMENT_INTERVAL = Duration.ofSeconds(10);

  private KnowledgeTopology() {}

  /**
   * Adds the knowledge sub-topology to {@code builder}.
   *
   * @param deltas reads a {@link KnowledgeDelta} from a record's value (asked for a deserializer
   *     when a task starts, not before)
   * @param deadLetters writes the {@link DeadLetter} records
   * @param historyRetention how long the history keeps versions behind the newest delta; at least
   *     one millisecond
   */
  public static void addTo(
      StreamsBuilder builder,
      TopicNames topics,
      Serde<KnowledgeDelta> deltas,
      Serde<DeadLetter> deadLetters,
      Duration historyRetention) {
    Objects.requireNonNull(historyRetention, "historyRetention");
    if (historyRetention.toMillis() < 1) {
      throw new IllegalArgumentException(
          "the knowledge history retention must be at least 1 ms, was " + historyRetention);
    }
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STORE), Serdes.String(), new KnowledgeStateSerde()));
    builder.addStateStore(
        Stores.versionedKeyValueStoreBuilder(
            Stores.persistentVersionedKeyValueStore(
                HISTORY, historyRetention, segmentInterval(historyRetention)),
            Serdes.String(),
            new KnowledgeStateSerde()));
    String deadLetterTopic = topics.deadLetters();
    // values stay bytes up to the processor, so that an unreadable one becomes a dead letter there,
    // not a skip
    builder.stream(
            topics.knowledge(),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("knowledge-in"))
        .process(
            () -> new KnowledgeMerge(deltas, deadLetterTopic, historyRetention),
            Named.as("knowledge-merge"),
            STORE,
            HISTORY)
        .to(
            deadLetterTopic,
            Produced.with(Serdes.ByteArray(), deadLetters).withName("knowledge-dead-letters"));
  }

  /** The history's segment interval: {@link #MAX_SEGMENT_INTERVAL}, or the retention if shorter. */
  static Duration segmentInterval(Duration historyRetention) {
    return historyRetention.compareTo(MAX_SEGMENT_INTERVAL) < 0
        ? historyRetention
        : MAX_SEGMENT_INTERVAL;
  }
}
