package io.conclave.worker;

import io.conclave.agent.Knowledge;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicFollower;
import io.conclave.runtime.security.KafkaAccess;
import io.conclave.runtime.topics.TopicNames;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import io.conclave.worker.KnowledgeCheckpoint.Start;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every agent's knowledge as this worker process has read it: a thread that merges each key's
 * deltas of conclave.knowledge (committed transactions only, no consumer group). An agent's step
 * reads it through {@link Knowledge#get} and makes its removes and writes against it, so it removes
 * what other instances added and its writes win over those it saw. It lags the topic a little.
 *
 * <p>It starts from the projections' checkpoint ({@link KnowledgeCheckpoint}): each key's merged
 * state in the changelog of their knowledge store, then the topic from the offsets their group
 * committed, so that its start reads the deltas the projections have not merged yet rather than the
 * topic's whole history. Where there is no checkpoint (the projections never ran, or run under
 * another application id) or it cannot be read, it reads the topic from its beginning, and logs
 * which once. From a checkpoint it knows what the projections merged, so it misses neither what the
 * topic's retention dropped since nor anything else they saw; after a projections rebuild from an
 * offset or a time, the knowledge before it is gone for the feeds started later too. From the
 * beginning, it misses what the retention dropped.
 *
 * <p>A record it cannot read, or a delta whose type differs from its key's, is skipped: the
 * projections dead-letter it. Thread-safe.
 */
public final class KnowledgeFeed implements Function<String, Optional<Crdt>>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KnowledgeFeed.class);

  /**
   * How long reading the checkpoint may take before the feed reads the topic from its beginning
   * instead.
   */
  private static final Duration CHECKPOINT_TIMEOUT = Duration.ofSeconds(60);

  private final Deserializer<KnowledgeDelta> reader;
  private final KafkaAccess kafka;
  private final TopicNames topics;
  private final Map<String, Crdt> merged = new ConcurrentHashMap<>();
  private final Set<String> conflicted = ConcurrentHashMap.newKeySet();
  private final AtomicLong recordsRead = new AtomicLong();
  private final TopicFollower follower;

  public KnowledgeFeed(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.reader = serdes.knowledgeDelta().deserializer();
    this.kafka = settings.kafka();
    this.topics = settings.topics();
    this.follower =
        new TopicFollower(
            kafka,
            topics.knowledge(),
            "knowledge-feed",
            "steps see only their agent instance's own knowledge",
            this::start,
            this::merge);
  }

  public KnowledgeFeed start() {
    follower.start();
    return this;
  }

  /** The merge of every delta of the key read so far, the checkpoint's included. */
  @Override
  public Optional<Crdt> apply(String key) {
    return Optional.ofNullable(merged.get(key));
  }

  /**
   * How many records of conclave.knowledge this feed has read: from a checkpoint, only those of the
   * tail.
   */
  public long recordsRead() {
    return recordsRead.get();
  }

  /** Loads the checkpoint, if there is one, and says where to read the topic from. */
  private Map<TopicPartition, Long> start(List<TopicPartition> partitions) {
    Start start;
    try {
      start = KnowledgeCheckpoint.read(kafka, topics, partitions, CHECKPOINT_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing: the follower stops at its first poll
      return Map.of();
    } catch (Exception e) {
      start = new Start.FromBeginning("its checkpoint could not be read: " + e);
    }
    if (start instanceof Start.FromCheckpoint checkpoint) {
      checkpoint
          .states()
          .forEach((key, state) -> merge(key, state.crdt(), "the projections' checkpoint"));
      log.info(
          "knowledge feed starts from the projections' checkpoint: {} keys, then {} from offsets {}",
          checkpoint.states().size(),
          topics.knowledge(),
          checkpoint.offsets());
      return checkpoint.offsets();
    }
    log.info(
        "knowledge feed reads {} from its beginning: {}",
        topics.knowledge(),
        ((Start.FromBeginning) start).why());
    return Map.of();
  }

  private void merge(ConsumerRecord<byte[], byte[]> record) {
    KnowledgeDelta delta;
    try {
      delta = reader.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      SchemaRegistryUnavailableException.rethrowIfIn(
          e); // read again once the registry answers, counted then
      delta = null; // the projections dead-letter it
    }
    recordsRead.incrementAndGet();
    if (delta != null) {
      merge(delta.key(), delta.delta(), delta.replica());
    }
  }

  private void merge(String key, Crdt crdt, String from) {
    merged.compute(
        key,
        (k, current) -> {
          if (current == null) {
            return crdt;
          }
          if (current.type() != crdt.type()) {
            if (conflicted.add(key)) {
              log.warn(
                  "knowledge key '{}' is a {} but {} sent a {}; its update is skipped",
                  key,
                  current.type(),
                  from,
                  crdt.type());
            }
            return current;
          }
          return current.merge(crdt);
        });
  }

  @Override
  public void close() {
    follower.close();
  }
}
