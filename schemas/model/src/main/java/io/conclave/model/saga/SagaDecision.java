package io.conclave.model.saga;

import java.util.List;

/** What a saga does after a step's outcome ({@link SagaDecider#decide}). */
public sealed interface SagaDecision {
  /** The slip with the outcome recorded. */
  RoutingSlip slip();

  /** Start {@code steps} (the next stage: one step, or the branches of a parallel group). */
  record Dispatch(RoutingSlip slip, List<Integer> steps) implements SagaDecision {
    public Dispatch {
      steps = List.copyOf(steps);
    }
  }

  /** Nothing to do yet: other branches of the stage are still running. */
  record Await(RoutingSlip slip, List<Integer> running) implements SagaDecision {
    public Await {
      running = List.copyOf(running);
    }
  }

  /** Undo {@code order}, one step after the other, in that order (the reverse of the order they ran in). */
  record Compensate(RoutingSlip slip, List<Integer> order, String reason) implements SagaDecision {
    public Compensate {
      order = List.copyOf(order);
      if (order.isEmpty()) {
        throw new IllegalArgumentException("nothing to compensate: that is an Abort");
      }
    }
  }

  /** Every step completed. */
  record Complete(RoutingSlip slip) implements SagaDecision {}

  /** A step failed and nothing that ran has anything to undo. */
  record Abort(RoutingSlip slip, String reason) implements SagaDecision {}
}
