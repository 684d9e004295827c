package io.conclave.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The one declarative list of Conclave's topics (see DESIGN.md, "Topics"). */
public final class ConclaveTopics {
  /** conclave.agent-health is small: one partition, read whole by {@code GET /breakers}. */
  public static final int AGENT_HEALTH_PARTITIONS = 1;

  private ConclaveTopics() {}

  public static List<TopicDeclaration> declarations(ConclaveSettings s) {
    TopicNames t = s.topics();
    int n = s.partitions();
    List<TopicDeclaration> all = new ArrayList<>();
    all.add(compact(s, t.tasks(), n));
    all.add(compact(s, t.decisions(), n));
    all.add(compact(s, t.snapshots(), n));
    all.add(compact(s, t.sagaEvents(), n)); // as many partitions as tasks: saga events live in their task's shard
    all.add(delete(s, t.knowledge(), n));
    all.add(compact(s, t.agentHealth(), AGENT_HEALTH_PARTITIONS));
    all.add(compact(s, t.leadership(), 1));
    all.add(delete(s, t.deadLetters(), 1));
    all.add(delete(s, t.shadow(), n));
    for (String type : s.agentTypes()) {
      all.add(delete(s, t.commands(type), n));
      all.add(delete(s, t.compensations(type), n));
    }
    return List.copyOf(all);
  }

  private static TopicDeclaration compact(ConclaveSettings s, String name, int partitions) {
    return declare(s, name, partitions, "compact");
  }

  private static TopicDeclaration delete(ConclaveSettings s, String name, int partitions) {
    return declare(s, name, partitions, "delete");
  }

  private static TopicDeclaration declare(ConclaveSettings s, String name, int partitions, String cleanup) {
    int minIsr = Math.max(1, s.replicationFactor() - 1);
    return new TopicDeclaration(name, partitions, s.replicationFactor(),
        Map.of("cleanup.policy", cleanup, "min.insync.replicas", Integer.toString(minIsr)));
  }
}
