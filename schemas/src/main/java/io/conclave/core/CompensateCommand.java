package io.conclave.core;

import java.time.Instant;

/** Undo step {@code stepIndex} of the saga whose plan is {@code slip}. */
public record CompensateCommand(RoutingSlip slip, int stepIndex, String reason, int attempt, LeaderStamp origin,
                                Instant issuedAt) {
  public CompensateCommand {
    Require.present(slip, "slip");
    if (stepIndex < 0 || stepIndex >= slip.steps().size()) {
      throw new IllegalArgumentException("stepIndex " + stepIndex + " outside the " + slip.steps().size() + " steps");
    }
    Require.present(reason, "reason");
    Require.notNegative(attempt, "attempt");
    Require.present(origin, "origin");
    Require.present(issuedAt, "issuedAt");
  }
}
