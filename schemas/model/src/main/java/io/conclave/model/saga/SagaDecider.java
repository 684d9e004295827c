package io.conclave.model.saga;

import java.util.ArrayList;
import java.util.List;

/**
 * The saga's decisions, as a pure function of its routing slip and a step's outcome. Workers decide
 * with what their command's slip knows (the outputs of the stages before); the shard leader, which
 * reads every saga event of its shard, decides joins, approvals and deadlines with the whole
 * picture.
 */
public final class SagaDecider {
  private SagaDecider() {}

  /**
   * What follows {@code outcome} of a step:
   *
   * <ul>
   *   <li>a branch of a parallel stage whose sibling branches have no outcome yet: {@link
   *       SagaDecision.Await};
   *   <li>the whole stage completed: {@link SagaDecision.Dispatch} of the next stage, or {@link
   *       SagaDecision.Complete} after the last;
   *   <li>a step of the stage failed: {@link SagaDecision.Compensate} every step up to this stage
   *       that completed or failed (a failed step may have half-happened) and has a compensation,
   *       latest first; or {@link SagaDecision.Abort} when there is none.
   * </ul>
   */
  public static SagaDecision decide(RoutingSlip slip, StepOutcome outcome) {
    int index = outcome.stepIndex();
    if (index >= slip.steps().size()) {
      throw new IllegalArgumentException(
          "step " + index + " outside the " + slip.steps().size() + " steps");
    }
    RoutingSlip after =
        outcome.match(
            c -> slip.completed(index, c.output(), c.tokens()),
            f -> slip.failed(index, f.reason(), f.tokens()));
    List<Integer> stage = after.stageSteps(index);
    List<Integer> running = stage.stream().filter(i -> !after.isSettled(i)).toList();
    if (!running.isEmpty()) {
      return new SagaDecision.Await(after, running);
    }
    List<Integer> failed = stage.stream().filter(after.failures()::containsKey).toList();
    if (!failed.isEmpty()) {
      String reason = reason(after, failed);
      List<Integer> order = compensationOrder(after, stage.get(stage.size() - 1));
      return order.isEmpty()
          ? new SagaDecision.Abort(after, reason)
          : new SagaDecision.Compensate(after, order, reason);
    }
    int next = stage.get(stage.size() - 1) + 1;
    if (next == after.steps().size()) {
      return new SagaDecision.Complete(after);
    }
    return new SagaDecision.Dispatch(after, after.stageSteps(next));
  }

  /**
   * The steps to undo when the stage ending at {@code lastIndex} failed: every step of the earlier
   * stages (a stage starts only once the one before it completed, so they all did, whether or not
   * the slip carries their outputs) and every step of the failed stage that completed or failed, if
   * it has a compensation; latest first.
   */
  public static List<Integer> compensationOrder(RoutingSlip slip, int lastIndex) {
    int stageStart = slip.stageSteps(lastIndex).get(0);
    List<Integer> order = new ArrayList<>();
    for (int i = lastIndex; i >= 0; i--) {
      if ((i < stageStart || slip.isSettled(i)) && slip.steps().get(i).hasCompensation()) {
        order.add(i);
      }
    }
    return order;
  }

  /** Why the saga compensates: each failed step with its agent type, action and error. */
  static String reason(RoutingSlip slip, List<Integer> failed) {
    StringBuilder sb = new StringBuilder();
    for (int i : failed) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append("step ")
          .append(i)
          .append(" (")
          .append(slip.steps().get(i).agentType())
          .append('.')
          .append(slip.steps().get(i).action())
          .append(") failed: ")
          .append(slip.failures().get(i));
    }
    return sb.toString();
  }
}
