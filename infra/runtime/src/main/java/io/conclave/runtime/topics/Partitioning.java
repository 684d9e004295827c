package io.conclave.runtime.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Explicit partition choice for topics whose key is finer than their ordering unit: decisions are
 * keyed by (agentId, sequence) but must stay ordered per agent, saga events are keyed by (sagaId,
 * seq) but ordered per saga. The partition is the one Kafka's default partitioner would give the
 * coarse key as a string.
 */
public final class Partitioning {
  private Partitioning() {}

  public static int of(String orderingKey, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be > 0");
    }
    return Utils.toPositive(Utils.murmur2(orderingKey.getBytes(StandardCharsets.UTF_8)))
        % partitions;
  }
}
