package io.conclave.core;

/** Identity of one decision: the agent and its position in that agent's log (0, 1, 2, ... without gaps). */
public record DecisionKey(String agentId, long sequence) {
  public DecisionKey {
    Require.text(agentId, "agentId");
    Require.notNegative(sequence, "sequence");
  }
}
