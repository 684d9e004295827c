package io.conclave.core;

import java.util.List;
import java.util.Optional;

/**
 * A saga's plan travelling with its commands (routing-slip choreography): no process holds saga state,
 * the slip says which step is due ({@code cursor}) and which come after it.
 */
public record RoutingSlip(String sagaId, String taskId, List<SagaStep> steps, int cursor) {
  public RoutingSlip {
    Require.text(sagaId, "sagaId");
    Require.text(taskId, "taskId");
    steps = List.copyOf(Require.present(steps, "steps"));
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a routing slip needs at least one step");
    }
    if (cursor < 0 || cursor >= steps.size()) {
      throw new IllegalArgumentException("cursor " + cursor + " outside the " + steps.size() + " steps");
    }
  }

  /** A slip positioned on its first step. */
  public static RoutingSlip start(String sagaId, String taskId, List<SagaStep> steps) {
    return new RoutingSlip(sagaId, taskId, steps, 0);
  }

  public SagaStep current() {
    return steps.get(cursor);
  }

  public boolean isLastStep() {
    return cursor == steps.size() - 1;
  }

  /** The slip positioned on the next step, or empty when this is the last one. */
  public Optional<RoutingSlip> advance() {
    return isLastStep() ? Optional.empty() : Optional.of(new RoutingSlip(sagaId, taskId, steps, cursor + 1));
  }
}
