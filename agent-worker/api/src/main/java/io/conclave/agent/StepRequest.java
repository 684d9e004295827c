package io.conclave.agent;

import io.conclave.model.saga.SagaStep;

/**
 * One step for an agent to run.
 *
 * @param step the step, its input mapping rendered ({@code step.input()})
 * @param input the previous stage's output, or the task's prompt for the first stage
 */
public record StepRequest(
    String sagaId, String taskId, int stepIndex, SagaStep step, String input, int attempt) {
  /** Identical for every delivery of the same step attempt: the key for effects outside Kafka. */
  public String idempotencyKey() {
    return sagaId + "/" + stepIndex + "/" + attempt;
  }
}
