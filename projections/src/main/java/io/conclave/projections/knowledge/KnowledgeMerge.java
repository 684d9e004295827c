package io.conclave.projections.knowledge;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.runtime.loop.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges each knowledge delta record of one partition of conclave.knowledge into the key's state in
 * the {@value KnowledgeTopology#STORE} store and into every version of the key's history, in the
 * {@value KnowledgeTopology#HISTORY} store, from the delta's time on; forwards a {@link DeadLetter}
 * instead for a record it cannot merge, and carries on.
 *
 * <p><b>History.</b> The version of a key at time t is the merge of every delta with {@code at <=
 * t}. A delta that is not the newest (late, redelivered, or merely from a replica whose clock is
 * behind) is merged into the version in force at its time, written as a version at its time, and
 * into each later version, so that the answer at t does not depend on the order in which deltas
 * arrived. Finding the later versions walks back from the newest, one {@code get(key, asOf)} per
 * version, so a delta costs one read and one write when it is the newest and one more of each per
 * version it is older than.
 *
 * <p><b>Retention.</b> The history keeps versions for {@code historyRetention} behind the newest
 * delta time of the partition (the store's stream time), and refuses writes older than that. A
 * delta older than that limit is merged into the latest state as usual; in the history, its merge
 * into the versions it can no longer write is written once, as a version at the oldest time the
 * history still holds, so every answer within the retention includes it. The store keeps its stream
 * time to itself, so the first such delta of a task reads it back from the {@value
 * KnowledgeTopology#STORE} store (the newest {@link KnowledgeState#updatedAt()}: one scan of the
 * partition's keys). Answers for times older than the retention are not guaranteed (the HTTP API
 * refuses them).
 *
 * <p><b>Dead letters.</b> A record without a key, with a key that is not a knowledge key, without a
 * value, whose value is not a {@link KnowledgeDelta}, whose delta names another key, whose time is
 * before 1970, or whose delta is of another type than the key's state (the key's first merged delta
 * fixed it) goes to the dead-letter topic with its bytes, in the same transaction; one line is
 * logged for it. Nothing of it is merged. Any other failure (a store or Kafka error) is not the
 * record's fault and is thrown, for Kafka Streams to handle.
 *
 * <p>One instance per task, used by the task's thread only.
 */
final class KnowledgeMerge implements Processor<byte[], byte[], byte[], DeadLetter> {
  private static final Logger log = LoggerFactory.getLogger(KnowledgeMerge.class);
  private static final long UNKNOWN = Long.MIN_VALUE;

  private final Serde<KnowledgeDelta> serde;
  private final String deadLetterTopic;
  private final long retentionMs;
  private Deserializer<KnowledgeDelta> deltas;
  private ProcessorContext<byte[], DeadLetter> context;
  private KeyValueStore<String, KnowledgeState> states;
  private VersionedKeyValueStore<String, KnowledgeState> history;

  /**
   * The newest delta time merged in this task (the history's stream time); {@link #UNKNOWN} until
   * needed.
   */
  private long newest = UNKNOWN;

  /**
   * @param deltas reads a delta from a record's value; asked for its deserializer when the task
   *     starts
   */
  KnowledgeMerge(Serde<KnowledgeDelta> deltas, String deadLetterTopic, Duration historyRetention) {
    this.serde = deltas;
    this.deadLetterTopic = deadLetterTopic;
    this.retentionMs = historyRetention.toMillis();
  }

  @Override
  public void init(ProcessorContext<byte[], DeadLetter> context) {
    this.context = context;
    this.deltas = serde.deserializer();
    this.states = context.getStateStore(KnowledgeTopology.STORE);
    this.history = context.getStateStore(KnowledgeTopology.HISTORY);
  }

  /**
   * What a delta changes: the key's new latest state, and the history versions to write, oldest
   * first.
   */
  private record Plan(KnowledgeDelta delta, KnowledgeState latest, List<Version> versions) {}

  private record Version(long at, KnowledgeState state) {}

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata source =
        context
            .recordMetadata()
            .orElseThrow(
                () -> new IllegalStateException("a knowledge record without its topic and offset"));
    KnowledgeDelta delta;
    try {
      delta = read(source.topic(), record);
    } catch (RuntimeException e) {
      // whatever the deserializer throws for these bytes it will throw again: the record is poison
      deadLetter(source, record, e);
      return;
    }
    Plan plan;
    try {
      plan = plan(delta);
    } catch (IllegalArgumentException | ArithmeticException e) {
      // the delta cannot be joined with the key's state (another type, or a state the type
      // rejects); a store or
      // Kafka failure is not the record's fault and goes up
      deadLetter(source, record, e);
      return;
    }
    write(plan);
  }

  private KnowledgeDelta read(String topic, Record<byte[], byte[]> record) {
    if (record.key() == null) {
      throw new IllegalArgumentException(
          "the record has no key; knowledge records are keyed by their knowledge key");
    }
    String key = KnowledgeDelta.key(utf8(record.key()));
    if (record.value() == null) {
      throw new IllegalArgumentException(
          "the record has no value; knowledge records are deltas, never deletions");
    }
    KnowledgeDelta delta = deltas.deserialize(topic, record.value());
    if (delta == null) {
      throw new IllegalArgumentException("the record's value reads as no delta");
    }
    if (!delta.key().equals(key)) {
      throw new IllegalArgumentException(
          "the record's key '"
              + key
              + "' is not its delta's key '"
              + delta.key()
              + "'; a delta is written under its own key");
    }
    if (delta.at().toEpochMilli() < 0) {
      throw new IllegalArgumentException(
          "the delta's time " + delta.at() + " is before 1970; the history cannot " + "hold it");
    }
    return delta;
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the record's key is not UTF-8 text", e);
    }
  }

  /**
   * Reads what the delta changes, writes nothing: a delta that cannot be merged (a type conflict)
   * leaves both stores untouched.
   */
  private Plan plan(KnowledgeDelta delta) {
    String key = delta.key();
    long at = delta.at().toEpochMilli();
    KnowledgeState current = states.get(key);
    KnowledgeState latest = current == null ? KnowledgeState.of(delta) : current.merge(delta);

    // the versions after the delta's time, found newest first; then the one in force at its time
    // (or none)
    Deque<VersionedRecord<KnowledgeState>> later = new ArrayDeque<>();
    VersionedRecord<KnowledgeState> version = history.get(key);
    while (version != null && version.timestamp() > at) {
      later.addFirst(version);
      version = history.get(key, version.timestamp() - 1);
    }
    List<Version> versions = new ArrayList<>(later.size() + 1);
    // a version at exactly the delta's time is replaced by its merge with the delta
    versions.add(
        new Version(at, version == null ? KnowledgeState.of(delta) : version.value().merge(delta)));
    for (VersionedRecord<KnowledgeState> v : later) {
      versions.add(new Version(v.timestamp(), v.value().merge(delta)));
    }
    return new Plan(delta, latest, versions);
  }

  private void write(Plan plan) {
    String key = plan.delta().key();
    states.put(key, plan.latest());
    // the history refuses versions older than its retention; being in time order, those come first
    Version refused = null;
    for (Version v : plan.versions()) {
      if (history.put(key, v.state(), v.at()) == VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT) {
        refused = v;
      }
    }
    if (refused != null) {
      long oldestKept = oldestKept();
      boolean replaced = plan.versions().stream().anyMatch(v -> v.at() == oldestKept);
      // the newest refused version was in force up to the first written one: from the oldest time
      // kept, it is
      if (replaced
          || history.put(key, refused.state(), oldestKept)
              != VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT) {
        log.warn(
            "knowledge delta of '{}' by {} (sequence {}) at {} is older than the history kept (from {}): merged "
                + "into the latest state, and into the history from then on",
            key,
            plan.delta().replica(),
            plan.delta().sequence(),
            plan.delta().at(),
            Instant.ofEpochMilli(oldestKept));
      } else {
        // only if the store's stream time is not the newest updatedAt, which the class comment
        // argues cannot be
        log.warn(
            "knowledge delta of '{}' by {} (sequence {}) at {} is older than the history kept: merged into the "
                + "latest state; the history's versions before its next write miss it",
            key,
            plan.delta().replica(),
            plan.delta().sequence(),
            plan.delta().at());
      }
    }
    if (newest != UNKNOWN) {
      newest = Math.max(newest, plan.delta().at().toEpochMilli());
    }
  }

  /**
   * The oldest time the history still keeps versions for: its stream time (the newest delta time
   * written to it, which is the newest {@link KnowledgeState#updatedAt()} of the latest store) less
   * the retention.
   */
  private long oldestKept() {
    if (newest == UNKNOWN) {
      long max = 0;
      try (var all = states.all()) {
        while (all.hasNext()) {
          max = Math.max(max, all.next().value.updatedAt().toEpochMilli());
        }
      }
      newest = max;
    }
    return newest - retentionMs;
  }

  private void deadLetter(
      RecordMetadata source, Record<byte[], byte[]> record, RuntimeException e) {
    long now = context.currentSystemTimeMs();
    DeadLetter letter =
        DeadLetters.of(
            source.topic(),
            source.partition(),
            source.offset(),
            record.key(),
            record.value(),
            e,
            Instant.ofEpochMilli(now));
    log.warn(
        "knowledge record {}-{}@{} sent to {}: {}",
        source.topic(),
        source.partition(),
        source.offset(),
        deadLetterTopic,
        letter.errorMessage());
    context.forward(new Record<>(record.key(), letter, now, DeadLetters.headers(letter)));
  }
}
