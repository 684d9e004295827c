package io.conclave.launcher;

import io.conclave.core.Decision;
import io.conclave.core.SagaEvent;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.Partitioning;
import io.conclave.kafka.TopicScan;
import io.conclave.schemas.ConclaveSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/** What the topics hold, read back read_committed for the tests' checks. */
final class RecordedLogs {
  private RecordedLogs() {}

  /** A decision with where and when it was written. */
  record Logged(long offset, Instant timestamp, Decision decision) {}

  /** Every saga event of every shard. */
  static List<SagaEvent> sagaEvents(ConclaveSettings settings) {
    String topic = settings.topics().sagaEvents();
    var reader = new ConclaveSerdes(settings.registry()).sagaEvent().deserializer();
    List<SagaEvent> out = new ArrayList<>();
    try (TopicScan scan = new TopicScan(settings.bootstrapServers())) {
      for (int p = 0; p < settings.partitions(); p++) {
        scan.scan(new TopicPartition(topic, p), 0, -1, r -> out.add(reader.deserialize(topic, r.value())));
      }
    }
    return out;
  }

  /** The agent's decisions in the order of its partition of conclave.decisions. */
  static List<Logged> decisionsOf(ConclaveSettings settings, String agentId) {
    String topic = settings.topics().decisions();
    var reader = new ConclaveSerdes(settings.registry()).decision().deserializer();
    List<Logged> out = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topic, Partitioning.of(agentId, settings.partitions()));
    TopicScan.scan(settings.bootstrapServers(), tp, 0, -1, r -> {
      if (r.value() != null) {
        Decision d = reader.deserialize(topic, r.value());
        if (d.agentId().equals(agentId)) {
          out.add(new Logged(r.offset(), Instant.ofEpochMilli(r.timestamp()), d));
        }
      }
    });
    return out;
  }
}
