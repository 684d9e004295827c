package io.conclave.model.saga;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.List;

/**
 * One event in a saga's history. Events of a saga are numbered by {@link #seq()}: the number is a
 * function of what happened (see {@link Seq}), not of when it was written, so a redelivered event
 * carries the same number and the compacted {@code conclave.saga-events} topic (key = sagaId, seq)
 * keeps it once.
 */
public sealed interface SagaEvent {
  String sagaId();

  String taskId();

  long seq();

  Instant at();

  /** What {@code visitor} makes of this event: the result of its method for this event's type. */
  <R> R accept(Visitor<R> visitor);

  /**
   * One method per type of saga event. Every fold and mapping over saga events is one, rather than
   * an instanceof chain: a new type of event then does not compile until each of them says what the
   * event means to it.
   */
  interface Visitor<R> {
    R started(Started e);

    R stepCompleted(StepCompleted e);

    R stepFailed(StepFailed e);

    R compensated(Compensated e);

    R completed(Completed e);

    R aborted(Aborted e);

    R approvalRequested(ApprovalRequested e);

    R approvalDecided(ApprovalDecided e);

    R dispatchHeld(DispatchHeld e);

    R dispatchReleased(DispatchReleased e);

    R joined(Joined e);

    R compensationFailed(CompensationFailed e);

    R compensationRetried(CompensationRetried e);

    R compensationParked(CompensationParked e);
  }

  /**
   * The leader of {@code leader.shard()} planned the saga and dispatched its first stage.
   *
   * @param spending the saga's tenant and the token budget the leader granted it (nothing spent
   *     yet)
   */
  record Started(
      String sagaId,
      String taskId,
      long seq,
      List<SagaStep> plan,
      String prompt,
      LeaderStamp leader,
      Instant at,
      Spending spending)
      implements SagaEvent {
    public Started {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      plan = List.copyOf(Require.present(plan, "plan"));
      Require.present(prompt, "prompt");
      Require.present(leader, "leader");
      Require.present(at, "at");
      Require.present(spending, "spending");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.started(this);
    }

    /** A start of the default tenant's, without a token budget. */
    public Started(
        String sagaId,
        String taskId,
        long seq,
        List<SagaStep> plan,
        String prompt,
        LeaderStamp leader,
        Instant at) {
      this(
          sagaId,
          taskId,
          seq,
          plan,
          prompt,
          leader,
          at,
          Spending.unlimited(Spending.DEFAULT_TENANT));
    }

    public Started(
        String sagaId,
        String taskId,
        long seq,
        List<SagaStep> plan,
        LeaderStamp leader,
        Instant at) {
      this(sagaId, taskId, seq, plan, "", leader, at);
    }
  }

  /**
   * @param tokens what the step's model calls spent, in every attempt
   * @param costMicros what those calls cost, in micro-units of currency
   */
  record StepCompleted(
      String sagaId,
      String taskId,
      long seq,
      int stepIndex,
      String agentType,
      String output,
      Instant at,
      long tokens,
      long costMicros)
      implements SagaEvent {
    public StepCompleted {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.present(output, "output");
      Require.present(at, "at");
      Require.notNegative(tokens, "tokens");
      Require.notNegative(costMicros, "costMicros");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.stepCompleted(this);
    }

    public StepCompleted(
        String sagaId,
        String taskId,
        long seq,
        int stepIndex,
        String agentType,
        String output,
        Instant at,
        long tokens) {
      this(sagaId, taskId, seq, stepIndex, agentType, output, at, tokens, 0);
    }

    public StepCompleted(
        String sagaId,
        String taskId,
        long seq,
        int stepIndex,
        String agentType,
        String output,
        Instant at) {
      this(sagaId, taskId, seq, stepIndex, agentType, output, at, 0);
    }
  }

  /**
   * @param tokens what the step's model calls spent, in every attempt
   * @param costMicros what those calls cost, in micro-units of currency
   */
  record StepFailed(
      String sagaId,
      String taskId,
      long seq,
      int stepIndex,
      String agentType,
      String error,
      Instant at,
      long tokens,
      long costMicros)
      implements SagaEvent {
    public StepFailed {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.present(error, "error");
      Require.present(at, "at");
      Require.notNegative(tokens, "tokens");
      Require.notNegative(costMicros, "costMicros");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.stepFailed(this);
    }

    public StepFailed(
        String sagaId,
        String taskId,
        long seq,
        int stepIndex,
        String agentType,
        String error,
        Instant at,
        long tokens) {
      this(sagaId, taskId, seq, stepIndex, agentType, error, at, tokens, 0);
    }

    public StepFailed(
        String sagaId,
        String taskId,
        long seq,
        int stepIndex,
        String agentType,
        String error,
        Instant at) {
      this(sagaId, taskId, seq, stepIndex, agentType, error, at, 0);
    }
  }

  record Compensated(
      String sagaId, String taskId, long seq, int stepIndex, String agentType, Instant at)
      implements SagaEvent {
    public Compensated {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.compensated(this);
    }
  }

  record Completed(String sagaId, String taskId, long seq, Instant at) implements SagaEvent {
    public Completed {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.completed(this);
    }
  }

  /**
   * The saga ended without completing: a step failed, and every compensation due has run (or was
   * parked, see {@link CompensationParked}).
   */
  record Aborted(String sagaId, String taskId, long seq, String reason, Instant at)
      implements SagaEvent {
    public Aborted {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.present(reason, "reason");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.aborted(this);
    }
  }

  /** Approval step {@code stepIndex} was dispatched: it waits for a human's decision. */
  record ApprovalRequested(String sagaId, String taskId, int stepIndex, Instant at)
      implements SagaEvent {
    public ApprovalRequested {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.approvalRequested(this);
    }

    @Override
    public long seq() {
      return Seq.approvalRequested(stepIndex);
    }
  }

  /**
   * A human decided approval step {@code stepIndex} ({@code POST /sagas/{id}/approvals/{step}}).
   * The shard leader acts on the first decision for a step that is waiting, and ignores the others.
   */
  record ApprovalDecided(
      String sagaId,
      String taskId,
      int stepIndex,
      boolean approved,
      String actor,
      String comment,
      Instant at)
      implements SagaEvent {
    public ApprovalDecided {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.present(actor, "actor");
      Require.present(comment, "comment");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.approvalDecided(this);
    }

    @Override
    public long seq() {
      return Seq.approvalDecided(stepIndex);
    }
  }

  /**
   * The shard leader did not send step {@code stepIndex}'s command: every circuit breaker reported
   * for its agent type was open, so the step would only fail. The step waits with the leader (its
   * deadline still runs) until a breaker of the type lets calls through again ({@link
   * DispatchReleased}).
   */
  record DispatchHeld(String sagaId, String taskId, int stepIndex, String agentType, Instant at)
      implements SagaEvent {
    public DispatchHeld {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.dispatchHeld(this);
    }

    @Override
    public long seq() {
      return Seq.dispatchHeld(stepIndex);
    }
  }

  /** The shard leader sent the command of a step it held: its agent type takes calls again. */
  record DispatchReleased(String sagaId, String taskId, int stepIndex, String agentType, Instant at)
      implements SagaEvent {
    public DispatchReleased {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.dispatchReleased(this);
    }

    @Override
    public long seq() {
      return Seq.dispatchReleased(stepIndex);
    }
  }

  /**
   * The shard leader joined the parallel stage that starts at step {@code stepIndex}: every branch
   * had an outcome, and the saga went on (the next stage dispatched, or compensation started) in
   * the same transaction.
   */
  record Joined(String sagaId, String taskId, int stepIndex, Instant at) implements SagaEvent {
    public Joined {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.joined(this);
    }

    @Override
    public long seq() {
      return Seq.joined(stepIndex);
    }
  }

  /**
   * Attempt {@code attempt} to compensate step {@code stepIndex} failed; the shard leader retries
   * it later.
   */
  record CompensationFailed(
      String sagaId,
      String taskId,
      int stepIndex,
      String agentType,
      int attempt,
      String error,
      Instant at)
      implements SagaEvent {
    public CompensationFailed {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.notNegative(attempt, "attempt");
      Require.present(error, "error");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.compensationFailed(this);
    }

    @Override
    public long seq() {
      return Seq.compensationFailed(stepIndex, attempt);
    }
  }

  /** The shard leader sent attempt {@code attempt} of step {@code stepIndex}'s compensation. */
  record CompensationRetried(
      String sagaId, String taskId, int stepIndex, String agentType, int attempt, Instant at)
      implements SagaEvent {
    public CompensationRetried {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.notNegative(attempt, "attempt");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.compensationRetried(this);
    }

    @Override
    public long seq() {
      return Seq.compensationRetried(stepIndex, attempt);
    }
  }

  /**
   * The compensation of step {@code stepIndex} failed {@code attempts} times and was parked on the
   * dead-letter topic for an operator: this event is the alert. The saga goes on undoing the steps
   * before it and ends FAILED.
   */
  record CompensationParked(
      String sagaId,
      String taskId,
      int stepIndex,
      String agentType,
      int attempts,
      String error,
      Instant at)
      implements SagaEvent {
    public CompensationParked {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.notNegative(attempts, "attempts");
      Require.present(error, "error");
      Require.present(at, "at");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.compensationParked(this);
    }

    @Override
    public long seq() {
      return Seq.parked(stepIndex);
    }
  }

  /**
   * The numbering of a saga of {@code n} steps: started 0; step i completed or failed i + 1;
   * completed or aborted n + 1; step i compensated n + 2 + (n - 1 - i), i.e. in the reverse order
   * compensations run; approvals, joins and compensation retries in ranges of their own above
   * those.
   */
  final class Seq {
    private Seq() {}

    public static long started() {
      return 0;
    }

    public static long step(int stepIndex) {
      return stepIndex + 1L;
    }

    public static long end(int stepCount) {
      return stepCount + 1L;
    }

    public static long compensated(int stepCount, int stepIndex) {
      return stepCount + 2L + (stepCount - 1L - stepIndex);
    }

    // the events below have numbers of their own, above any of the ones before (a saga has at most
    // 1000 steps)
    public static long approvalRequested(int stepIndex) {
      return 10_000L + stepIndex;
    }

    public static long approvalDecided(int stepIndex) {
      return 20_000L + stepIndex;
    }

    public static long joined(int stepIndex) {
      return 30_000L + stepIndex;
    }

    public static long parked(int stepIndex) {
      return 40_000L + stepIndex;
    }

    public static long dispatchHeld(int stepIndex) {
      return 50_000L + stepIndex;
    }

    public static long dispatchReleased(int stepIndex) {
      return 60_000L + stepIndex;
    }

    public static long compensationFailed(int stepIndex, int attempt) {
      return 1_000_000L + stepIndex * 1_000L + attempt;
    }

    public static long compensationRetried(int stepIndex, int attempt) {
      return 2_000_000L + stepIndex * 1_000L + attempt;
    }
  }
}
