package io.conclave.agent;

import io.conclave.model.saga.SagaStep;

/**
 * Undo one step of a saga, which this agent type ran.
 *
 * @param output what the step produced, or empty if it failed (a failed step may have
 *     half-happened)
 * @param reason why the saga compensates
 * @param attempt 1 for the first try; the shard leader sends higher attempts after a failure, with
 *     backoff
 */
public record CompensationRequest(
    String sagaId,
    String taskId,
    int stepIndex,
    SagaStep step,
    String output,
    String reason,
    int attempt) {
  /** Identical for every delivery of this attempt: the key for effects outside Kafka. */
  public String idempotencyKey() {
    return sagaId + "/" + stepIndex + "/undo/" + attempt;
  }
}
