package io.conclave.model.saga;

import io.conclave.model.Require;
import java.util.function.Function;

/** How a saga step ended: what {@link SagaDecider#decide} decides on. */
public sealed interface StepOutcome {
  int stepIndex();

  /** The tokens the step's model calls spent, in every attempt. */
  long tokens();

  /** What the step's model calls cost, in every attempt, in micro-units of currency. */
  long costMicros();

  /**
   * {@code ifCompleted} or {@code ifFailed} applied to this outcome, whichever its type is: a
   * two-way match that a new type of outcome cannot slip past, as it could an instanceof test with
   * a cast in the else branch.
   */
  <R> R match(Function<Completed, R> ifCompleted, Function<Failed, R> ifFailed);

  record Completed(int stepIndex, String output, long tokens, long costMicros)
      implements StepOutcome {
    public Completed {
      Require.notNegative(stepIndex, "stepIndex");
      Require.present(output, "output");
      Require.notNegative(tokens, "tokens");
      Require.notNegative(costMicros, "costMicros");
    }

    public Completed(int stepIndex, String output, long tokens) {
      this(stepIndex, output, tokens, 0);
    }

    public Completed(int stepIndex, String output) {
      this(stepIndex, output, 0);
    }

    @Override
    public <R> R match(Function<Completed, R> ifCompleted, Function<Failed, R> ifFailed) {
      return ifCompleted.apply(this);
    }
  }

  /**
   * The step failed: the agent said so, its attempts ran out, its deadline passed, or its approval
   * was rejected.
   */
  record Failed(int stepIndex, String reason, long tokens, long costMicros) implements StepOutcome {
    public Failed {
      Require.notNegative(stepIndex, "stepIndex");
      Require.present(reason, "reason");
      Require.notNegative(tokens, "tokens");
      Require.notNegative(costMicros, "costMicros");
    }

    public Failed(int stepIndex, String reason, long tokens) {
      this(stepIndex, reason, tokens, 0);
    }

    public Failed(int stepIndex, String reason) {
      this(stepIndex, reason, 0);
    }

    @Override
    public <R> R match(Function<Completed, R> ifCompleted, Function<Failed, R> ifFailed) {
      return ifFailed.apply(this);
    }
  }
}
