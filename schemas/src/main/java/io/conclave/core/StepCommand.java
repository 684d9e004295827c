package io.conclave.core;

import java.time.Instant;

/** Run the step under {@code slip.cursor()}; {@code input} is the previous step's output (or the task prompt). */
public record StepCommand(RoutingSlip slip, String input, int attempt, LeaderStamp origin, Instant issuedAt) {
  public StepCommand {
    Require.present(slip, "slip");
    Require.present(input, "input");
    Require.notNegative(attempt, "attempt");
    Require.present(origin, "origin");
    Require.present(issuedAt, "issuedAt");
  }

  public SagaStep step() {
    return slip.current();
  }
}
