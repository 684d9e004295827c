package io.conclave.model.saga;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.List;

/**
 * Undo step {@code stepIndex} of the saga whose plan is {@code slip}; then the steps in {@code
 * remaining}, in that order (the compensations' own routing slip: the worker that undoes one step
 * sends the command for the next).
 *
 * @param attempt 1 for the first try; the shard leader sends higher attempts after a compensation
 *     failed
 */
public record CompensateCommand(
    RoutingSlip slip,
    int stepIndex,
    List<Integer> remaining,
    String reason,
    int attempt,
    LeaderStamp origin,
    Instant issuedAt) {
  public CompensateCommand {
    Require.present(slip, "slip");
    checkIndex(slip, stepIndex);
    remaining = List.copyOf(Require.present(remaining, "remaining"));
    remaining.forEach(i -> checkIndex(slip, i));
    Require.present(reason, "reason");
    Require.notNegative(attempt, "attempt");
    Require.present(origin, "origin");
    Require.present(issuedAt, "issuedAt");
  }

  public CompensateCommand(
      RoutingSlip slip,
      int stepIndex,
      String reason,
      int attempt,
      LeaderStamp origin,
      Instant issuedAt) {
    this(slip, stepIndex, List.of(), reason, attempt, origin, issuedAt);
  }

  private static void checkIndex(RoutingSlip slip, int i) {
    if (i < 0 || i >= slip.steps().size()) {
      throw new IllegalArgumentException(
          "stepIndex " + i + " outside the " + slip.steps().size() + " steps");
    }
  }

  public SagaStep step() {
    return slip.steps().get(stepIndex);
  }

  /** Identical for every delivery of this attempt: the key for effects outside Kafka. */
  public String idempotencyKey() {
    return slip.sagaId() + "/" + stepIndex + "/undo/" + attempt;
  }
}
