package io.conclave.core;

/** How a saga step ended: what {@link SagaDecider#decide} decides on. */
public sealed interface StepOutcome {
  int stepIndex();

  /** The tokens the step's model calls spent, in every attempt. */
  long tokens();

  record Completed(int stepIndex, String output, long tokens) implements StepOutcome {
    public Completed {
      Require.notNegative(stepIndex, "stepIndex");
      Require.present(output, "output");
      Require.notNegative(tokens, "tokens");
    }

    public Completed(int stepIndex, String output) {
      this(stepIndex, output, 0);
    }
  }

  /** The step failed: the agent said so, its attempts ran out, its deadline passed, or its approval was rejected. */
  record Failed(int stepIndex, String reason, long tokens) implements StepOutcome {
    public Failed {
      Require.notNegative(stepIndex, "stepIndex");
      Require.present(reason, "reason");
      Require.notNegative(tokens, "tokens");
    }

    public Failed(int stepIndex, String reason) {
      this(stepIndex, reason, 0);
    }
  }
}
