package io.conclave.core;

/** How a saga step ended: what {@link SagaDecider#decide} decides on. */
public sealed interface StepOutcome {
  int stepIndex();

  record Completed(int stepIndex, String output) implements StepOutcome {
    public Completed {
      Require.notNegative(stepIndex, "stepIndex");
      Require.present(output, "output");
    }
  }

  /** The step failed: the agent said so, its attempts ran out, its deadline passed, or its approval was rejected. */
  record Failed(int stepIndex, String reason) implements StepOutcome {
    public Failed {
      Require.notNegative(stepIndex, "stepIndex");
      Require.present(reason, "reason");
    }
  }
}
