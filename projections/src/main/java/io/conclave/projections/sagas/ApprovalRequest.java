package io.conclave.projections.sagas;

import io.conclave.model.saga.RoutingSlip;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaState.StepState;
import io.conclave.model.saga.SagaState.StepStatus;
import io.conclave.model.saga.SagaStep;
import io.conclave.projections.http.ConflictException;
import io.conclave.projections.http.StrictJson;
import io.micronaut.json.tree.JsonNode;
import java.time.Instant;
import java.util.Set;

/**
 * Body of {@code POST /sagas/{sagaId}/approvals/{step}}, read strictly: {@code {"approved":
 * true|false}} with optional string {@code actor} and {@code comment}, nothing else.
 *
 * @param actor who decided; empty if not given
 * @param comment why; empty if not given
 */
record ApprovalRequest(boolean approved, String actor, String comment) {
  private static final Set<String> FIELDS = Set.of("approved", "actor", "comment");

  /**
   * @throws IllegalArgumentException naming what is wrong
   */
  static ApprovalRequest parse(JsonNode body) {
    StrictJson.requireObject(
        body, FIELDS, "{\"approved\": true, \"actor\": \"alice\", \"comment\": \"...\"}");
    Boolean approved = StrictJson.optionalBoolean(body, "approved");
    if (approved == null) {
      throw new IllegalArgumentException("approved is required: true or false");
    }
    String actor = StrictJson.optionalString(body, "actor");
    String comment = StrictJson.optionalString(body, "comment");
    return new ApprovalRequest(
        approved, actor == null ? "" : actor, comment == null ? "" : comment);
  }

  /**
   * The {@code step} path segment: a step index. @throws IllegalArgumentException if it is not one
   */
  static int step(String text) {
    Long step;
    try {
      step = StrictJson.optionalLong("step", text);
    } catch (IllegalArgumentException notANumber) {
      step = null; // one message for every bad step, below
    }
    if (step == null || step < 0 || step >= RoutingSlip.MAX_STEPS) {
      throw new IllegalArgumentException(
          "step must be a step index from 0 to "
              + (RoutingSlip.MAX_STEPS - 1)
              + ", was '"
              + text
              + "'");
    }
    return step.intValue();
  }

  /**
   * This decision on approval step {@code step} of {@code saga}, checked against the saga's
   * projected state. The check is advisory: the state may be a moment behind, and the shard leader,
   * which carries decisions out, acts on the first one for a step that still waits and ignores the
   * others.
   *
   * @throws IllegalArgumentException if the saga has no such step or it is not an approval
   * @throws ConflictException if the step was already decided, is not awaiting approval (not
   *     reached yet, or over), or the saga no longer waits for approvals (it compensates or ended)
   */
  SagaEvent.ApprovalDecided decide(SagaState saga, int step, Instant now) {
    String which = "step " + step + " of " + saga.sagaId();
    if (step >= saga.plan().size()) {
      throw new IllegalArgumentException(
          saga.sagaId() + " has " + saga.plan().size() + " steps: there is no step " + step);
    }
    SagaStep planned = saga.plan().get(step);
    if (!planned.isApproval()) {
      throw new IllegalArgumentException(
          which
              + " is not an approval step: it runs "
              + planned.agentType()
              + "."
              + planned.action());
    }
    StepState state = saga.steps().get(step);
    if (state.approval() != null) {
      SagaState.Approval a = state.approval();
      throw new ConflictException(
          which
              + " was already "
              + (a.approved() ? "approved" : "rejected")
              + (a.actor().isEmpty() ? "" : " by " + a.actor())
              + " at "
              + a.at());
    }
    if (state.status() != StepStatus.AWAITING_APPROVAL) {
      String why =
          state.status() == StepStatus.PENDING
              ? " (not reached yet)"
              : state.error() != null ? " (" + state.error() + ")" : "";
      throw new ConflictException(
          which + " is not awaiting approval: it is " + state.status() + why);
    }
    if (saga.status().isFinished() || saga.status() == SagaState.Status.COMPENSATING) {
      throw new ConflictException(
          saga.sagaId() + " is " + saga.status() + ": it no longer waits for approvals");
    }
    return new SagaEvent.ApprovalDecided(
        saga.sagaId(), saga.taskId(), step, approved, actor, comment, now);
  }
}
