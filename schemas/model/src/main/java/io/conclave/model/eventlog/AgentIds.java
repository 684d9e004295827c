package io.conclave.model.eventlog;

import io.conclave.model.Require;

/**
 * Agent ids: {@code <agentType>-<instance>}, where the instance is the partition of the agent
 * type's command topic (or the shard, for the planner). The log of one agent id is continued by
 * whichever process owns that partition.
 */
public final class AgentIds {
  private AgentIds() {}

  public static String of(String agentType, int instance) {
    Require.notNegative(instance, "instance");
    return Require.id(agentType + "-" + instance, "agentId");
  }

  /**
   * The agent type of an agent id.
   *
   * @throws IllegalArgumentException if the id is not {@code <agentType>-<instance>}
   */
  public static String typeOf(String agentId) {
    Require.id(agentId, "agentId");
    int dash = agentId.lastIndexOf('-');
    if (dash <= 0
        || dash == agentId.length() - 1
        || !agentId.substring(dash + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "agent id '" + agentId + "' is not <agentType>-<instance>, e.g. research-0");
    }
    return agentId.substring(0, dash);
  }
}
