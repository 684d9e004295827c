package io.conclave.projections.sagas;

import static io.conclave.projections.sagas.SagaHistories.at;
import static io.conclave.projections.sagas.SagaHistories.fold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.http.ConflictException;
import io.conclave.projections.sagas.SagaHistories.Script;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checking an approval decision against the projected saga ({@link ApprovalRequest#decide}): 400
 * for a step that is no approval, 409 for one that does not wait for a decision.
 */
class ApprovalDecisionTest {
  private static final String TASK = "task-3";
  private static final ApprovalRequest APPROVE = new ApprovalRequest(true, "bob", "looks right");

  /**
   * Step 1 of 3 is an approval: Started, StepCompleted 0, ApprovalRequested 1, ApprovalDecided 1,
   * ...
   */
  private static final List<SagaEvent> HISTORY =
      new Script(TASK, 3, Set.of(1), -1, Map.of()).events();

  private static SagaState after(int events) {
    return fold(HISTORY.subList(0, events));
  }

  @Test
  void aStepAwaitingApprovalIsDecidedByAnApprovalDecidedEvent() {
    // when
    SagaEvent.ApprovalDecided decided = APPROVE.decide(after(3), 1, at(99));

    // then
    assertThat(decided)
        .isEqualTo(
            new SagaEvent.ApprovalDecided(
                "saga-task-3", TASK, 1, true, "bob", "looks right", at(99)));
    assertThat(decided.seq()).isEqualTo(SagaEvent.Seq.approvalDecided(1));
  }

  @Test
  void aStepThatIsNoApprovalIsABadRequest() {
    assertThatThrownBy(() -> APPROVE.decide(after(3), 0, at(99)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step 0 of saga-task-3 is not an approval step: it runs type0.act0");
    assertThatThrownBy(() -> APPROVE.decide(after(3), 3, at(99)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("saga-task-3 has 3 steps: there is no step 3");
  }

  @Test
  void anApprovalNotReachedYetIsAConflictSayingSo() {
    assertThatThrownBy(() -> APPROVE.decide(after(1), 1, at(99)))
        .isInstanceOf(ConflictException.class)
        .hasMessage(
            "step 1 of saga-task-3 is not awaiting approval: it is PENDING (not reached yet)");
  }

  @Test
  void anApprovalAlreadyDecidedIsAConflictSayingByWhomAndWhen() {
    // the decision is recorded, but the leader has not acted on it yet
    assertThatThrownBy(() -> APPROVE.decide(after(4), 1, at(99)))
        .isInstanceOf(ConflictException.class)
        .hasMessage("step 1 of saga-task-3 was already approved by alice at " + at(3));
    // the leader has acted on it
    assertThatThrownBy(() -> APPROVE.decide(after(HISTORY.size()), 1, at(99)))
        .isInstanceOf(ConflictException.class)
        .hasMessageStartingWith("step 1 of saga-task-3 was already approved");
  }

  @Test
  void anApprovalThatTimedOutIsAConflictSayingItFailed() {
    // given: no decision in time, so the leader failed the step, and step 0 is being undone
    SagaState timedOut =
        SagaFold.apply(
            after(3),
            new SagaEvent.StepFailed(
                "saga-task-3", TASK, 2, 1, "approval", "no approval within 60 s", at(5)));

    // then
    assertThatThrownBy(() -> APPROVE.decide(timedOut, 1, at(99)))
        .isInstanceOf(ConflictException.class)
        .hasMessage(
            "step 1 of saga-task-3 is not awaiting approval: it is FAILED (no approval within 60 s)");
  }

  @Test
  void anApprovalStillWaitingInASagaThatNoLongerDoesIsAConflict() {
    // given: the saga ended while step 1 waited (the state keeps the step as it was)
    SagaState ended =
        SagaFold.apply(after(3), new SagaEvent.Aborted("saga-task-3", TASK, 4, "cancelled", at(7)));

    // then
    assertThatThrownBy(() -> APPROVE.decide(ended, 1, at(99)))
        .isInstanceOf(ConflictException.class)
        .hasMessage("saga-task-3 is COMPENSATED: it no longer waits for approvals");
  }
}
