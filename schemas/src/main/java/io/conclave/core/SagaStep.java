package io.conclave.core;

/**
 * One step of a saga: which agent type runs it, what it does, its own input, and the action that undoes it.
 */
public record SagaStep(String agentType, String action, String input, String compensation) {
  public SagaStep {
    Require.text(agentType, "agentType");
    Require.text(action, "action");
    Require.present(input, "input");
    Require.text(compensation, "compensation");
  }
}
