package io.conclave.worker;

import io.conclave.agent.DecisionKinds;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.saga.CompensateCommand;
import io.conclave.model.saga.SagaDecider;
import io.conclave.model.saga.SagaMoves;
import io.conclave.model.saga.StepCommand;
import io.conclave.model.saga.StepOutcome;
import java.time.Instant;
import java.util.List;

/**
 * What a worker writes after running a step or a compensation: the agent's decisions and the saga's
 * moves ({@link SagaDecider} decides them with what the command's routing slip knows). Pure.
 */
public final class StepEngine {
  /** The decision kind of a step's result. */
  public static final String RESULT_DECISION = DecisionKinds.RESULT;

  /** The decision kind recorded when a step failed. */
  public static final String FAILURE_DECISION = DecisionKinds.FAILURE;

  /** The decision kind of an undone step. */
  public static final String COMPENSATION_DECISION = DecisionKinds.COMPENSATION;

  /** The decision kind recorded when an attempt to undo a step failed. */
  public static final String COMPENSATION_FAILURE_DECISION = DecisionKinds.COMPENSATION_FAILURE;

  private StepEngine() {}

  /** Everything written for one step or compensation, in one transaction. */
  public record Transition(List<Decision> decisions, SagaMoves moves) {
    public Transition {
      decisions = List.copyOf(decisions);
    }
  }

  /**
   * @param decisions the decisions the step appended to the agent's log (for a failed step, ending
   *     with its {@value #FAILURE_DECISION})
   * @param tokens what the step's model calls spent, in every attempt: the next steps' allowances
   *     follow from it
   * @param costMicros what those calls cost: it travels with the step's saga event, the saga's cost
   *     is their sum
   */
  public static Transition after(
      StepCommand command,
      StepResult result,
      List<Decision> decisions,
      long tokens,
      long costMicros,
      Instant now) {
    int index = command.stepIndex();
    StepOutcome outcome =
        result instanceof StepResult.Completed done
            ? new StepOutcome.Completed(index, done.output(), tokens, costMicros)
            : new StepOutcome.Failed(
                index, ((StepResult.Failed) result).reason(), tokens, costMicros);
    var decision = SagaDecider.decide(command.slip(), outcome);
    return new Transition(
        decisions, SagaMoves.after(decision, outcome, true, false, command.origin(), now));
  }

  /**
   * After a compensation: the next one (or the saga's end), or the failure the shard leader
   * retries.
   */
  public static Transition afterCompensation(
      CompensateCommand command, StepResult result, List<Decision> decisions, Instant now) {
    SagaMoves moves =
        result instanceof StepResult.Failed failed
            ? SagaMoves.compensationFailed(command, failed.reason(), now)
            : SagaMoves.compensated(command, now);
    return new Transition(decisions, moves);
  }
}
