package io.conclave.model.eventlog;

import io.conclave.model.Require;

/**
 * Identity of one decision: the agent and its position in that agent's log (0, 1, 2, ... without
 * gaps). Agent ids are restricted like task ids (letters, digits, '-', '_', '.').
 */
public record DecisionKey(String agentId, long sequence) {
  public DecisionKey {
    Require.id(agentId, "agentId");
    Require.notNegative(sequence, "sequence");
  }
}
