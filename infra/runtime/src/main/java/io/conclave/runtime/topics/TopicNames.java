package io.conclave.runtime.topics;

import io.conclave.schemas.SchemaCatalog;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names of Conclave's topics. Names are configuration: every topic is {@code <prefix>.<name>},
 * so several Conclave installations (or test runs) can share one cluster.
 */
public record TopicNames(String prefix) implements SchemaCatalog.Topics {
  /**
   * The projections' store of each knowledge key's merged state, whose changelog is {@link
   * #knowledgeChangelog()}.
   */
  public static final String KNOWLEDGE_STORE = "knowledge";

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  public TopicNames {
    Objects.requireNonNull(prefix, "prefix");
    if (!LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic prefix may only contain letters, digits, '.', '_' and '-': " + prefix);
    }
  }

  public static TopicNames defaults() {
    return new TopicNames("conclave");
  }

  public String tasks() {
    return prefix + ".tasks";
  }

  public String decisions() {
    return prefix + ".decisions";
  }

  public String snapshots() {
    return prefix + ".snapshots";
  }

  public String sagaEvents() {
    return prefix + ".saga-events";
  }

  /** The shard leaders' checkpoints: as many partitions as tasks, partition p holds shard p's. */
  public String checkpoints() {
    return prefix + ".checkpoints";
  }

  public String knowledge() {
    return prefix + ".knowledge";
  }

  public String agentHealth() {
    return prefix + ".agent-health";
  }

  public String leadership() {
    return prefix + ".leadership";
  }

  /**
   * The saga definitions registered by name: compacted, one partition, keyed by name, so it holds
   * one record per definition whatever the history.
   */
  public String sagaDefinitions() {
    return prefix + ".saga-definitions";
  }

  /** Where re-driven steps go: their outputs, never the real topics. */
  public String shadow() {
    return prefix + ".shadow";
  }

  public String deadLetters() {
    return prefix + ".dead-letters";
  }

  public String commands(String agentType) {
    return prefix + ".commands." + agentType(agentType);
  }

  public String compensations(String agentType) {
    return prefix + ".compensations." + agentType(agentType);
  }

  /** The coordinators' consumer group. */
  public String coordinatorGroup() {
    return prefix + "-coordinator";
  }

  /** The shard leaders' transactional ids: this, a dash, and the shard (or a warm-up's id). */
  public String coordinatorTransactionalIds() {
    return prefix + "-coordinator-shard";
  }

  /** The consumer group of an agent type's workers. */
  public String workerGroup(String agentType) {
    return prefix + "-worker-" + agentType(agentType);
  }

  /**
   * The transactional ids of an agent type's workers: this, a dash, and the partition (or a
   * warm-up's id).
   */
  public String workerTransactionalIds(String agentType) {
    return prefix + "-worker-" + agentType(agentType);
  }

  /**
   * The projections' Kafka Streams application id: their consumer group, and the prefix of their
   * internal topics and transactional ids.
   */
  public String projectionsApplicationId() {
    return prefix + "-projections";
  }

  /**
   * The changelog Kafka Streams keeps of the projections' {@value #KNOWLEDGE_STORE} store (with the
   * default application id): compacted, one record per knowledge key holding its merged state,
   * partition p covering partition p of {@link #knowledge()}. The workers' knowledge feeds start
   * from it.
   */
  public String knowledgeChangelog() {
    return projectionsApplicationId() + "-" + KNOWLEDGE_STORE + "-changelog";
  }

  private static String agentType(String agentType) {
    if (agentType == null || !LEGAL.matcher(agentType).matches()) {
      throw new IllegalArgumentException(
          "agent type may only contain letters, digits, '.', '_' and '-': " + agentType);
    }
    return agentType;
  }
}
