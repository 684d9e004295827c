package io.conclave.kafka;

import io.conclave.core.DecisionKey;
import io.conclave.schemas.ConclaveSerdes;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds where an agent's decision log ends, so that a new owner of the agent continues its sequence without a gap
 * or a repeat. Reads the agent's partition of {@code conclave.decisions} to its end. Thread-safe.
 */
public final class DecisionSequences implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DecisionSequences.class);

  private final ConclaveSettings settings;
  private final Deserializer<DecisionKey> keys;
  private final TopicScan scan;

  public DecisionSequences(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.settings = settings;
    this.keys = serdes.decisionKey().deserializer();
    this.scan = new TopicScan(settings.bootstrapServers());
  }

  /** The sequence number the agent's next decision gets: one past the last committed one, or 0. */
  public synchronized long next(String agentId) {
    String topic = settings.topics().decisions();
    TopicPartition tp = new TopicPartition(topic, Partitioning.of(agentId, settings.partitions()));
    long[] last = {-1};
    scan.scan(tp, 0, -1, r -> {
      try {
        DecisionKey key = keys.deserialize(topic, r.key());
        if (key.agentId().equals(agentId)) {
          last[0] = Math.max(last[0], key.sequence());
        }
      } catch (RuntimeException e) {
        log.warn("unreadable decision key at {}-{}@{}: {}", topic, r.partition(), r.offset(), e.toString());
      }
    });
    return last[0] + 1;
  }

  @Override
  public synchronized void close() {
    scan.close();
  }
}
