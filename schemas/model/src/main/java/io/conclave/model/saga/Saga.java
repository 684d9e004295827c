package io.conclave.model.saga;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link SagaDefinition}:
 *
 * <pre>{@code
 * SagaDefinition saga = Saga.step("research", "gather", "discard").timeout(Duration.ofMinutes(2))
 *     .parallel(Saga.branch("analysis", "analyze", "retract"), Saga.branch("fact-check", "verify", "forget"))
 *     .approval("editor-sign-off").timeout(Duration.ofHours(4))
 *     .step("write", "draft", "unpublish").input("${prompt}\n\n${previous}").retry(5, Duration.ofSeconds(1))
 *     .build();
 * }</pre>
 *
 * {@link Builder#input}, {@link Builder#timeout} and {@link Builder#retry} apply to the step added
 * last (every branch of a {@link Builder#parallel} group).
 */
public final class Saga {
  private Saga() {}

  /**
   * A saga whose first step is {@code action} of {@code agentType}, undone by {@code compensation}.
   */
  public static Builder step(String agentType, String action, String compensation) {
    return new Builder().step(agentType, action, compensation);
  }

  /** A saga that starts with a human approval. */
  public static Builder approval(String name) {
    return new Builder().approval(name);
  }

  /** A branch of a {@link Builder#parallel} group. */
  public static SagaStep branch(String agentType, String action, String compensation) {
    return new SagaStep(agentType, action, "", compensation, false, StepPolicy.DEFAULT);
  }

  public static final class Builder {
    private final List<SagaStep> steps = new ArrayList<>();
    private int lastGroup; // index of the first step added by the last call

    private Builder() {}

    public Builder step(String agentType, String action, String compensation) {
      return add(
          List.of(new SagaStep(agentType, action, "", compensation, false, StepPolicy.DEFAULT)));
    }

    /** A human approval; rejecting it compensates what ran before. */
    public Builder approval(String name) {
      return add(List.of(SagaStep.approval(name, StepPolicy.DEFAULT)));
    }

    /** Steps that run at once, each on its own agent type; the saga goes on when all completed. */
    public Builder parallel(SagaStep... branches) {
      if (branches.length < 2) {
        throw new IllegalArgumentException("a parallel group needs at least two branches");
      }
      List<SagaStep> group = new ArrayList<>();
      for (int i = 0; i < branches.length; i++) {
        SagaStep b = branches[i];
        group.add(
            new SagaStep(
                b.agentType(), b.action(), b.input(), b.compensation(), i > 0, b.policy()));
      }
      return add(group);
    }

    public Builder input(String mapping) {
      return update(s -> s.withInput(mapping));
    }

    /** The step's deadline, counted from its dispatch. */
    public Builder timeout(Duration timeout) {
      return update(s -> s.withPolicy(s.policy().withTimeout(timeout)));
    }

    public Builder retry(int maxAttempts, Duration backoff) {
      return update(s -> s.withPolicy(s.policy().withRetries(maxAttempts, backoff)));
    }

    public SagaDefinition build() {
      return new SagaDefinition(steps);
    }

    private Builder add(List<SagaStep> group) {
      lastGroup = steps.size();
      steps.addAll(group);
      return this;
    }

    private Builder update(java.util.function.UnaryOperator<SagaStep> change) {
      for (int i = lastGroup; i < steps.size(); i++) {
        steps.set(i, change.apply(steps.get(i)));
      }
      return this;
    }
  }
}
