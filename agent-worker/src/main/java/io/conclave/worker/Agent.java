package io.conclave.worker;

/**
 * What an agent author implements: one step of a saga, given its input. An agent does not touch Kafka; Conclave
 * records what it returns (its decisions, the step's output) and routes the saga on, exactly once.
 *
 * <p>{@link #act} may be called again for the same step after a crash (the {@link StepRequest#idempotencyKey()} is
 * the same), so an effect outside Kafka must be keyed by it.
 */
public interface Agent {
  /** The agent type this agent serves; it names the command topic it consumes. */
  String type();

  /**
   * Runs one step.
   *
   * @return {@link StepResult.Completed} with the output for the next step, or {@link StepResult.Failed}
   * @throws IllegalArgumentException if the request can never succeed (the command is dead-lettered)
   * @throws RuntimeException for a transient failure (the call is retried with backoff)
   */
  StepResult act(StepRequest request);
}
