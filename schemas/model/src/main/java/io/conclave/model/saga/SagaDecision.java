package io.conclave.model.saga;

import java.util.List;

/** What a saga does after a step's outcome ({@link SagaDecider#decide}). */
public sealed interface SagaDecision {
  /** The slip with the outcome recorded. */
  RoutingSlip slip();

  /**
   * What {@code visitor} makes of this decision: the result of its method for this decision's type.
   */
  <R> R accept(Visitor<R> visitor);

  /**
   * One method per type of decision. What acts on decisions implements it, so a new type does not
   * compile until it is handled.
   */
  interface Visitor<R> {
    R dispatch(Dispatch d);

    R await(Await a);

    R compensate(Compensate c);

    R complete(Complete c);

    R abort(Abort a);
  }

  /** Start {@code steps} (the next stage: one step, or the branches of a parallel group). */
  record Dispatch(RoutingSlip slip, List<Integer> steps) implements SagaDecision {
    public Dispatch {
      steps = List.copyOf(steps);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.dispatch(this);
    }
  }

  /** Nothing to do yet: other branches of the stage are still running. */
  record Await(RoutingSlip slip, List<Integer> running) implements SagaDecision {
    public Await {
      running = List.copyOf(running);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.await(this);
    }
  }

  /**
   * Undo {@code order}, one step after the other, in that order (the reverse of the order they ran
   * in).
   */
  record Compensate(RoutingSlip slip, List<Integer> order, String reason) implements SagaDecision {
    public Compensate {
      order = List.copyOf(order);
      if (order.isEmpty()) {
        throw new IllegalArgumentException("nothing to compensate: that is an Abort");
      }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.compensate(this);
    }
  }

  /** Every step completed. */
  record Complete(RoutingSlip slip) implements SagaDecision {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.complete(this);
    }
  }

  /** A step failed and nothing that ran has anything to undo. */
  record Abort(RoutingSlip slip, String reason) implements SagaDecision {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.abort(this);
    }
  }
}
