package io.conclave.agent.typed;

import java.util.Objects;

/**
 * Thrown by a typed action when its step cannot be done, and trying again would not help (a
 * business rule says no: the budget is spent, the flight is full). The agent returns {@link
 * io.conclave.agent.StepResult.Failed} with the message as its reason, nothing is retried, and the
 * saga compensates. Like Temporal's non-retryable {@code ApplicationFailure} or Restate's {@code
 * TerminalException}: any other exception stays transient and is retried.
 */
public final class StepFailure extends RuntimeException {
  /**
   * @param reason why the step cannot be done; it becomes the failed step's reason
   */
  public StepFailure(String reason) {
    super(Objects.requireNonNull(reason, "reason"), null, false, false);
  }
}
