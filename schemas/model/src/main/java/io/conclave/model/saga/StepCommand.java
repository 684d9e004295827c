package io.conclave.model.saga;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.Optional;

/**
 * Run the step under {@code slip.cursor()}; {@code input} is the previous stage's output (or the
 * task prompt).
 *
 * @param deadline when the step must have completed; a worker does not start it after that, and the
 *     shard leader compensates the saga when it passes without an outcome
 */
public record StepCommand(
    RoutingSlip slip,
    String input,
    int attempt,
    LeaderStamp origin,
    Instant issuedAt,
    Optional<Instant> deadline) {
  public StepCommand {
    Require.present(slip, "slip");
    Require.present(input, "input");
    Require.notNegative(attempt, "attempt");
    Require.present(origin, "origin");
    Require.present(issuedAt, "issuedAt");
    Require.present(deadline, "deadline");
  }

  public StepCommand(
      RoutingSlip slip, String input, int attempt, LeaderStamp origin, Instant issuedAt) {
    this(slip, input, attempt, origin, issuedAt, Optional.empty());
  }

  public SagaStep step() {
    return slip.current();
  }

  public int stepIndex() {
    return slip.cursor();
  }

  /** Identical for every delivery of this command: the key for effects outside Kafka. */
  public String idempotencyKey() {
    return slip.sagaId() + "/" + slip.cursor() + "/" + attempt;
  }

  /** Whether the deadline has passed at {@code now}. */
  public boolean isLate(Instant now) {
    return deadline.isPresent() && now.isAfter(deadline.get());
  }
}
