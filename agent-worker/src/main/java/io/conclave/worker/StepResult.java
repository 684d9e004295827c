package io.conclave.worker;

import java.util.List;
import java.util.Objects;

/** How an agent's step ended. */
public sealed interface StepResult {
  /** The step is done; {@code output} feeds the next step; {@code decisions} go to the agent's event log. */
  record Completed(String output, List<DecisionDraft> decisions) implements StepResult {
    public Completed {
      Objects.requireNonNull(output, "output");
      decisions = List.copyOf(decisions);
    }
  }

  /** The step cannot be done; the saga does not go on. */
  record Failed(String reason) implements StepResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** A decision as the agent states it; Conclave gives it its key (agent id, sequence) and time. */
  record DecisionDraft(String kind, String payload) {
    public DecisionDraft {
      Objects.requireNonNull(kind, "kind");
      if (kind.isBlank()) {
        throw new IllegalArgumentException("a decision's kind must not be blank");
      }
      Objects.requireNonNull(payload, "payload");
    }
  }
}
