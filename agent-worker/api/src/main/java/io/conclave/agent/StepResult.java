package io.conclave.agent;

import java.util.Objects;

/**
 * How an agent's step ended. Its decisions are in the agent's {@linkplain AgentContext#log() log}.
 */
public sealed interface StepResult {
  /** The step is done; {@code output} feeds the next step. */
  record Completed(String output) implements StepResult {
    public Completed {
      Objects.requireNonNull(output, "output");
    }
  }

  /** The step cannot be done; the saga does not go on. */
  record Failed(String reason) implements StepResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
