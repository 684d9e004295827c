package io.conclave.model.saga;

import io.conclave.model.Require;

/**
 * One step of a saga: which agent type runs it, what it does, its input mapping, the action that
 * undoes it, and its deadline and retries.
 *
 * @param input the step's input mapping: text in which {@code ${prompt}} (the task's prompt),
 *     {@code ${previous}} (the output of the stage before) and {@code ${steps.N}} (the output of
 *     step N) are replaced when the step is dispatched ({@link InputMapping})
 * @param compensation the action that undoes the step; empty when there is nothing to undo (an
 *     approval)
 * @param parallel true if the step runs at the same time as the step before it: consecutive
 *     parallel steps form one stage (fork), and the saga goes on once every step of the stage
 *     completed (join)
 */
public record SagaStep(
    String agentType,
    String action,
    String input,
    String compensation,
    boolean parallel,
    StepPolicy policy) {
  /**
   * The agent type of a human approval: no worker runs it; {@code POST
   * /sagas/{id}/approvals/{step}} decides it.
   */
  public static final String APPROVAL = "approval";

  public SagaStep {
    Require.text(agentType, "agentType");
    Require.text(action, "action");
    Require.present(input, "input");
    Require.present(compensation, "compensation");
    Require.present(policy, "policy");
  }

  /** A sequential step with the default policy. */
  public SagaStep(String agentType, String action, String input, String compensation) {
    this(agentType, action, input, compensation, false, StepPolicy.DEFAULT);
  }

  /** A human approval named {@code name}; rejecting it compensates the saga. */
  public static SagaStep approval(String name, StepPolicy policy) {
    return new SagaStep(APPROVAL, name, "", "", false, policy);
  }

  public boolean isApproval() {
    return APPROVAL.equals(agentType);
  }

  public boolean hasCompensation() {
    return !compensation.isBlank();
  }

  public SagaStep withInput(String rendered) {
    return new SagaStep(agentType, action, rendered, compensation, parallel, policy);
  }

  public SagaStep inParallel() {
    return new SagaStep(agentType, action, input, compensation, true, policy);
  }

  public SagaStep withPolicy(StepPolicy p) {
    return new SagaStep(agentType, action, input, compensation, parallel, p);
  }
}
