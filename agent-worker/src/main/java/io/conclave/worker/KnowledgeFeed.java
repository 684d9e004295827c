package io.conclave.worker;

import io.conclave.core.KnowledgeDelta;
import io.conclave.crdt.Crdt;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.TopicFollower;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every agent's knowledge as this worker process has read it: a thread that reads conclave.knowledge from its
 * beginning (committed transactions only, no consumer group) and merges each key's deltas. An agent's step reads it
 * through {@link Knowledge#get} and makes its removes and writes against it, so it removes what other instances added
 * and its writes win over those it saw. It lags the topic a little and, once the topic's retention has dropped old
 * deltas, misses them; the projections' stores do not ({@code GET /knowledge/{key}}).
 *
 * <p>A record it cannot read, or a delta whose type differs from its key's, is skipped: the projections dead-letter
 * it. Thread-safe.
 */
final class KnowledgeFeed implements Function<String, Optional<Crdt>>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KnowledgeFeed.class);

  private final Deserializer<KnowledgeDelta> reader;
  private final Map<String, Crdt> merged = new ConcurrentHashMap<>();
  private final Set<String> conflicted = ConcurrentHashMap.newKeySet();
  private final TopicFollower follower;

  KnowledgeFeed(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.reader = serdes.knowledgeDelta().deserializer();
    this.follower = new TopicFollower(settings.kafka(), settings.topics().knowledge(), "knowledge-feed",
        "steps see only their agent instance's own knowledge", this::merge);
  }

  KnowledgeFeed start() {
    follower.start();
    return this;
  }

  /** The merge of every delta of the key read so far. */
  @Override
  public Optional<Crdt> apply(String key) {
    return Optional.ofNullable(merged.get(key));
  }

  private void merge(ConsumerRecord<byte[], byte[]> record) {
    KnowledgeDelta delta;
    try {
      delta = reader.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      SchemaRegistryUnavailableException.rethrowIfIn(e); // read again once the registry answers
      return; // the projections dead-letter it
    }
    merged.compute(delta.key(), (key, current) -> {
      if (current == null) {
        return delta.delta();
      }
      if (current.type() != delta.delta().type()) {
        if (conflicted.add(key)) {
          log.warn("knowledge key '{}' is a {} but {} sent a {}; its update is skipped", key, current.type(),
              delta.replica(), delta.delta().type());
        }
        return current;
      }
      return current.merge(delta.delta());
    });
  }

  @Override
  public void close() {
    follower.close();
  }
}
