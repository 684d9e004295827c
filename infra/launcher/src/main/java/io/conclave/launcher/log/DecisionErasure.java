package io.conclave.launcher.log;

import io.conclave.model.eventlog.DecisionKey;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Erases one agent from the decision log: a tombstone for every key (agentId, sequence) it wrote,
 * and one for its snapshot (a snapshot holds the state its decisions folded to). The projections
 * drop the decisions at once; compaction removes the records, and later the tombstones, from the
 * topics.
 */
final class DecisionErasure {
  private DecisionErasure() {}

  /** How many live decision keys the agent has: what {@link #erase} would tombstone. */
  static int count(ConclaveSettings settings, String agentId) {
    return liveKeys(settings, agentId).size();
  }

  /** Writes the tombstones and returns how many keys were erased. */
  static int erase(ConclaveSettings settings, String agentId) throws Exception {
    String topic = settings.topics().decisions();
    int partition = Partitioning.of(agentId, settings.partitions());
    Map<Long, byte[]> found = liveKeys(settings, agentId);
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (byte[] key : found.values()) {
        sent.add(producer.send(new ProducerRecord<>(topic, partition, key, null)));
      }
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  settings.topics().snapshots(),
                  partition,
                  agentId.getBytes(StandardCharsets.UTF_8),
                  null)));
      for (Future<RecordMetadata> s : sent) {
        s.get(
            30,
            TimeUnit.SECONDS); // an erasure is not reported done while a tombstone may be missing
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "erasure of " + agentId + " incomplete: " + e.getMessage(), e);
    }
    return found.size();
  }

  /** The keys of the agent's decisions whose latest record is not a tombstone, by sequence. */
  private static Map<Long, byte[]> liveKeys(ConclaveSettings settings, String agentId) {
    String topic = settings.topics().decisions();
    int partition = Partitioning.of(agentId, settings.partitions());
    Deserializer<DecisionKey> keys =
        new ConclaveSerdes(settings.registry()).decisionKey().deserializer();
    Map<Long, byte[]> found = new LinkedHashMap<>();
    TopicScan.scan(
        settings.kafka(),
        new TopicPartition(topic, partition),
        0,
        -1,
        r -> {
          DecisionKey key = keys.deserialize(topic, r.key());
          if (key.agentId().equals(agentId)) {
            if (r.value() == null) {
              found.remove(key.sequence());
            } else {
              found.put(key.sequence(), r.key());
            }
          }
        });
    return found;
  }
}
