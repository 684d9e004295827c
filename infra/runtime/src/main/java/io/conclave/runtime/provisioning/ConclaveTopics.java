package io.conclave.runtime.provisioning;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.topics.TopicDeclaration;
import io.conclave.runtime.topics.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one declarative list of Conclave's topics (docs/architecture.md, "Topics", says what each
 * holds).
 */
public final class ConclaveTopics {
  /** conclave.agent-health is small: one partition, read whole by {@code GET /breakers}. */
  public static final int AGENT_HEALTH_PARTITIONS = 1;

  private ConclaveTopics() {}

  /**
   * The topics, with the saga retention of this process's configuration ({@link SagaRetention}).
   */
  public static List<TopicDeclaration> declarations(ConclaveSettings s) {
    return declarations(s, SagaRetention.from(EnvironmentLookup.ofProcess()));
  }

  public static List<TopicDeclaration> declarations(ConclaveSettings s, SagaRetention retention) {
    TopicNames t = s.topics();
    int n = s.partitions();
    List<TopicDeclaration> all = new ArrayList<>();
    // a task and its saga's events are kept as long as an ended saga: a shard leader reads neither
    // topic's history (it starts from its checkpoint), so nothing needs them longer
    all.add(retained(s, t.tasks(), n, retention));
    all.add(compact(s, t.decisions(), n));
    all.add(compact(s, t.snapshots(), n));
    all.add(
        retained(
            s,
            t.sagaEvents(),
            n,
            retention)); // as many partitions as tasks: saga events live in their task's shard
    all.add(checkpoints(s, t.checkpoints(), n));
    all.add(delete(s, t.knowledge(), n));
    all.add(compact(s, t.agentHealth(), AGENT_HEALTH_PARTITIONS));
    all.add(compact(s, t.leadership(), 1));
    all.add(compact(s, t.sagaDefinitions(), 1));
    all.add(delete(s, t.deadLetters(), 1));
    all.add(delete(s, t.shadow(), n));
    for (String type : s.agentTypes()) {
      all.add(delete(s, t.commands(type), n));
      all.add(delete(s, t.compensations(type), n));
    }
    return List.copyOf(all);
  }

  private static TopicDeclaration compact(ConclaveSettings s, String name, int partitions) {
    return declare(s, name, partitions, "compact", Map.of());
  }

  private static TopicDeclaration retained(
      ConclaveSettings s, String name, int partitions, SagaRetention retention) {
    return declare(
        s,
        name,
        partitions,
        "compact,delete",
        Map.of(
            "retention.ms", Long.toString(retention.sagas().toMillis()),
            "segment.ms", Long.toString(retention.segmentMs())));
  }

  /**
   * Partition p holds shard p's checkpoints, read from the end; a segment rolls every hour so that
   * compaction can drop the checkpoints a later one replaced.
   */
  private static TopicDeclaration checkpoints(ConclaveSettings s, String name, int partitions) {
    return declare(
        s,
        name,
        partitions,
        "compact",
        Map.of("segment.ms", Long.toString(Duration.ofHours(1).toMillis())));
  }

  private static TopicDeclaration delete(ConclaveSettings s, String name, int partitions) {
    return declare(s, name, partitions, "delete", Map.of());
  }

  private static TopicDeclaration declare(
      ConclaveSettings s, String name, int partitions, String cleanup, Map<String, String> more) {
    int minIsr = Math.max(1, s.replicationFactor() - 1);
    Map<String, String> configs = new HashMap<>(more);
    configs.put("cleanup.policy", cleanup);
    configs.put("min.insync.replicas", Integer.toString(minIsr));
    return new TopicDeclaration(name, partitions, s.replicationFactor(), configs);
  }
}
