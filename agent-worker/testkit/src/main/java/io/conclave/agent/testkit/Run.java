package io.conclave.agent.testkit;

import io.conclave.agent.StepResult;
import io.conclave.agent.typed.Codec;
import io.conclave.agent.typed.Kind;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.saga.SagaStep;
import java.util.List;
import java.util.Objects;

/**
 * What one step or compensation run by {@link AgentTestKit} did.
 *
 * @param step the saga step it ran or undid
 * @param stepIndex the step's index in the saga
 * @param result how it ended
 * @param decisions the decisions it appended, in order (model calls and knowledge updates included)
 * @param state the agent's state after it
 * @param effects the names of the side effects it asked for, in order
 * @param <S> the agent's state type
 */
public record Run<S>(
    SagaStep step,
    int stepIndex,
    StepResult result,
    List<Decision> decisions,
    S state,
    List<String> effects) {
  public Run {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(result, "result");
    decisions = List.copyOf(decisions);
    Objects.requireNonNull(state, "state");
    effects = List.copyOf(effects);
  }

  /**
   * The output of a completed run.
   *
   * @throws AssertionError if the run failed
   */
  public String output() {
    if (result instanceof StepResult.Completed completed) {
      return completed.output();
    }
    throw new AssertionError(
        step.agentType()
            + "."
            + step.action()
            + " failed: "
            + ((StepResult.Failed) result).reason());
  }

  /** The output of a completed run, decoded as a {@code type}. */
  public <T> T output(Class<T> type) {
    return Codec.of(type).decode(output());
  }

  /**
   * The reason of a failed run.
   *
   * @throws AssertionError if the run completed
   */
  public String failure() {
    if (result instanceof StepResult.Failed failed) {
      return failed.reason();
    }
    throw new AssertionError(step.agentType() + "." + step.action() + " completed: " + output());
  }

  /** The kinds of the decisions appended, in order. */
  public List<String> kinds() {
    return decisions.stream().map(Decision::kind).toList();
  }

  /** The decisions of {@code type}'s {@link Kind} appended, decoded, in order. */
  public <D> List<D> decisions(Class<D> type) {
    return AgentTestKit.decoded(decisions, type);
  }

  /**
   * The one decision of {@code type} appended.
   *
   * @throws AssertionError if there is none or more than one
   */
  public <D> D decision(Class<D> type) {
    List<D> found = decisions(type);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one "
              + Kind.Of.type(type)
              + " decision, found "
              + found.size()
              + ": "
              + kinds());
    }
    return found.get(0);
  }
}
