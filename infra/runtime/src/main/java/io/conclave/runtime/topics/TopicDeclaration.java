package io.conclave.runtime.topics;

import java.util.Map;
import java.util.Objects;

/**
 * A topic as Conclave needs it: name, partitions, replication and the topic configs that matter to
 * it.
 */
public record TopicDeclaration(
    String name, int partitions, short replicationFactor, Map<String, String> configs) {
  public TopicDeclaration {
    Objects.requireNonNull(name, "name");
    if (partitions < 1) {
      throw new IllegalArgumentException(name + ": partitions must be >= 1");
    }
    configs = Map.copyOf(configs);
  }

  public String cleanupPolicy() {
    return configs.getOrDefault("cleanup.policy", "delete");
  }
}
