package io.conclave.model.saga;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A saga as the fold of its events: its status, every step's state, its compensations and timings.
 * The shard leader folds the events of its shard to watch deadlines, joins and approvals; the
 * projections fold them to answer {@code GET /sagas/{id}}. Applying an event twice, or an outcome
 * for a step that already has one, changes nothing: the first outcome of a step wins, so
 * at-least-once delivery and a late worker are harmless. Pure.
 *
 * @param compensationOrder the steps being undone, in order; empty unless the saga compensates
 * @param joined the first step index of every parallel stage the shard leader has joined
 * @param reason why the saga compensates or ended without completing; null otherwise
 * @param spending the saga's tenant, its token budget and the tokens its settled steps spent
 */
public record SagaState(
    String sagaId,
    String taskId,
    String prompt,
    List<SagaStep> plan,
    LeaderStamp leader,
    Status status,
    List<StepState> steps,
    List<Integer> compensationOrder,
    List<Integer> joined,
    String reason,
    Instant startedAt,
    Instant endedAt,
    Spending spending) {
  /** Where a saga is. */
  public enum Status {
    RUNNING,
    AWAITING_APPROVAL,
    COMPENSATING,
    COMPLETED,
    COMPENSATED,
    FAILED;

    public boolean isFinished() {
      return this == COMPLETED || this == COMPENSATED || this == FAILED;
    }
  }

  /**
   * Where a step is. HELD: dispatched, but its command waits with the shard leader while its agent
   * type's breakers are all open; its deadline runs as if it were running.
   */
  public enum StepStatus {
    PENDING,
    RUNNING,
    HELD,
    AWAITING_APPROVAL,
    COMPLETED,
    FAILED;

    /**
     * Whether the step has its outcome: its stage can be joined, and its output or error is in the
     * slip.
     */
    public boolean isSettled() {
      // a switch without default: a new status does not compile until it is placed
      return switch (this) {
        case COMPLETED, FAILED -> true;
        case PENDING, RUNNING, HELD, AWAITING_APPROVAL -> false;
      };
    }
  }

  /** Where a step's compensation is. */
  public enum CompensationStatus {
    NONE,
    PENDING,
    RUNNING,
    FAILED,
    DONE,
    PARKED
  }

  /** A human's decision on an approval step. */
  public record Approval(boolean approved, String actor, String comment, Instant at) {}

  /**
   * One step of the saga. Times and texts are null until known. A step moves only by the named
   * transitions below ({@link #planned} first); each says which components it sets and keeps the
   * others.
   *
   * @param compensationAttempt the latest attempt of the compensation sent (0 if none)
   */
  public record StepState(
      int index,
      String agentType,
      String action,
      boolean parallel,
      StepStatus status,
      String output,
      String error,
      Instant dispatchedAt,
      Instant deadline,
      Instant finishedAt,
      Approval approval,
      CompensationStatus compensation,
      int compensationAttempt,
      String compensationError,
      Instant compensationAt) {
    /** Step {@code index} of the plan, before anything happened to it: PENDING, nothing to undo. */
    static StepState planned(int index, SagaStep step) {
      return new StepState(
          index,
          step.agentType(),
          step.action(),
          step.parallel(),
          StepStatus.PENDING,
          null,
          null,
          null,
          null,
          null,
          null,
          CompensationStatus.NONE,
          0,
          null,
          null);
    }

    /** Its command sent at {@code at}: RUNNING until {@code deadline} (null: none). */
    StepState dispatched(Instant at, Instant deadline) {
      return withStatus(StepStatus.RUNNING, null, null, at, deadline, null);
    }

    /**
     * An approval step reached at {@code at}: AWAITING_APPROVAL until {@code deadline} (null:
     * none).
     */
    StepState awaitingApproval(Instant at, Instant deadline) {
      return withStatus(StepStatus.AWAITING_APPROVAL, null, null, at, deadline, null);
    }

    /** Its command held by the leader: HELD, its deadline running on. */
    StepState held() {
      return withStatus(StepStatus.HELD, null, null, dispatchedAt, deadline, null);
    }

    /** Its held command sent after all: RUNNING again, under the same deadline. */
    StepState released() {
      return withStatus(StepStatus.RUNNING, null, null, dispatchedAt, deadline, null);
    }

    /** Settled with {@code output} at {@code at}. */
    StepState completed(String output, Instant at) {
      return withStatus(StepStatus.COMPLETED, output, null, dispatchedAt, deadline, at);
    }

    /** Settled with {@code error} at {@code at}. */
    StepState failed(String error, Instant at) {
      return withStatus(StepStatus.FAILED, null, error, dispatchedAt, deadline, at);
    }

    /** An approval step with a human's decision; its status moves when the leader acts on it. */
    StepState decided(Approval decision) {
      return new StepState(
          index,
          agentType,
          action,
          parallel,
          status,
          output,
          error,
          dispatchedAt,
          deadline,
          finishedAt,
          decision,
          compensation,
          compensationAttempt,
          compensationError,
          compensationAt);
    }

    /** In the compensation order, waiting for the steps after it to be undone. */
    StepState compensationPending() {
      return withCompensation(CompensationStatus.PENDING, 0, null, null);
    }

    /** Attempt {@code attempt} of its compensation sent at {@code at}. */
    StepState compensationRunning(int attempt, Instant at) {
      return withCompensation(CompensationStatus.RUNNING, attempt, null, at);
    }

    /** Attempt {@code attempt} of its compensation failed with {@code error} at {@code at}. */
    StepState compensationFailed(int attempt, String error, Instant at) {
      return withCompensation(CompensationStatus.FAILED, attempt, error, at);
    }

    /** Undone at {@code at}; a compensation that reports done was sent at least once. */
    StepState compensated(Instant at) {
      return withCompensation(CompensationStatus.DONE, Math.max(1, compensationAttempt), null, at);
    }

    /**
     * Its compensation given up on at {@code at} with {@code error}, and parked for an operator.
     */
    StepState compensationParked(String error, Instant at) {
      return withCompensation(CompensationStatus.PARKED, compensationAttempt, error, at);
    }

    public boolean isSettled() {
      return status.isSettled();
    }

    private StepState withStatus(
        StepStatus s, String out, String err, Instant dispatched, Instant dl, Instant finished) {
      return new StepState(
          index,
          agentType,
          action,
          parallel,
          s,
          out,
          err,
          dispatched,
          dl,
          finished,
          approval,
          compensation,
          compensationAttempt,
          compensationError,
          compensationAt);
    }

    private StepState withCompensation(CompensationStatus c, int attempt, String err, Instant at) {
      return new StepState(
          index,
          agentType,
          action,
          parallel,
          status,
          output,
          error,
          dispatchedAt,
          deadline,
          finishedAt,
          approval,
          c,
          attempt,
          err,
          at);
    }
  }

  public SagaState {
    Require.text(sagaId, "sagaId");
    Require.text(taskId, "taskId");
    plan = List.copyOf(plan);
    steps = List.copyOf(steps);
    compensationOrder = List.copyOf(compensationOrder);
    joined = List.copyOf(joined);
    // a state stored before sagas had budgets (the projections' saga store) reads as the default
    // tenant's, unlimited
    spending = spending == null ? Spending.unlimited(Spending.DEFAULT_TENANT) : spending;
  }

  /** A saga of which nothing is known yet. */
  public static SagaState empty(String sagaId, String taskId) {
    return new SagaState(
        sagaId,
        taskId,
        "",
        List.of(),
        null,
        Status.RUNNING,
        List.of(),
        List.of(),
        List.of(),
        null,
        null,
        null,
        Spending.unlimited(Spending.DEFAULT_TENANT));
  }

  /** The fold of {@code events}, in order. */
  public static SagaState of(List<? extends SagaEvent> events) {
    SagaState s = empty(events.get(0).sagaId(), events.get(0).taskId());
    for (SagaEvent e : events) {
      s = s.apply(e);
    }
    return s;
  }

  public boolean isStarted() {
    return !plan.isEmpty();
  }

  /** The routing slip as of this state: the plan, the prompt, every known output and failure. */
  public RoutingSlip slip() {
    Map<Integer, String> outputs = new HashMap<>();
    Map<Integer, String> failures = new HashMap<>();
    for (StepState s : steps) {
      if (s.status() == StepStatus.COMPLETED) {
        outputs.put(s.index(), s.output());
      } else if (s.status() == StepStatus.FAILED) {
        failures.put(s.index(), s.error());
      }
    }
    return new RoutingSlip(sagaId, taskId, prompt, plan, 0, outputs, failures, spending);
  }

  /** This state with {@code event} folded in. */
  public SagaState apply(SagaEvent event) {
    if (!event.sagaId().equals(sagaId)) {
      throw new IllegalArgumentException(
          "event of saga " + event.sagaId() + " applied to saga " + sagaId);
    }
    return event.accept(new Fold());
  }

  /** What each type of event does to this state. */
  private final class Fold implements SagaEvent.Visitor<SagaState> {
    @Override
    public SagaState started(SagaEvent.Started e) {
      return isStarted() ? SagaState.this : SagaState.this.started(e);
    }

    @Override
    public SagaState completed(SagaEvent.Completed e) {
      if (endedAt != null) {
        return SagaState.this; // the first end wins
      }
      var m = new Mutable(SagaState.this);
      m.endedAt = e.at();
      m.status = Status.COMPLETED;
      return m.build();
    }

    @Override
    public SagaState aborted(SagaEvent.Aborted e) {
      if (endedAt != null) {
        return SagaState.this;
      }
      var m = new Mutable(SagaState.this);
      m.endedAt = e.at();
      m.reason = m.reason == null ? e.reason() : m.reason;
      m.status =
          m.steps.stream().anyMatch(s -> s.compensation() == CompensationStatus.PARKED)
              ? Status.FAILED
              : Status.COMPENSATED;
      return m.build();
    }

    @Override
    public SagaState stepCompleted(SagaEvent.StepCompleted e) {
      return during(m -> m.stepCompleted(e));
    }

    @Override
    public SagaState stepFailed(SagaEvent.StepFailed e) {
      return during(m -> m.stepFailed(e));
    }

    @Override
    public SagaState dispatchHeld(SagaEvent.DispatchHeld e) {
      return during(m -> m.dispatchHeld(e));
    }

    @Override
    public SagaState dispatchReleased(SagaEvent.DispatchReleased e) {
      return during(m -> m.dispatchReleased(e));
    }

    @Override
    public SagaState joined(SagaEvent.Joined e) {
      return during(m -> m.joined(e));
    }

    @Override
    public SagaState approvalRequested(SagaEvent.ApprovalRequested e) {
      return during(m -> m.approvalRequested(e));
    }

    @Override
    public SagaState approvalDecided(SagaEvent.ApprovalDecided e) {
      return during(m -> m.approvalDecided(e));
    }

    @Override
    public SagaState compensated(SagaEvent.Compensated e) {
      return during(m -> m.compensated(e));
    }

    @Override
    public SagaState compensationFailed(SagaEvent.CompensationFailed e) {
      return during(m -> m.compensationFailed(e));
    }

    @Override
    public SagaState compensationRetried(SagaEvent.CompensationRetried e) {
      return during(m -> m.compensationRetried(e));
    }

    @Override
    public SagaState compensationParked(SagaEvent.CompensationParked e) {
      return during(m -> m.compensationParked(e));
    }

    /**
     * An event between the saga's start and its end: {@code change} folds it into the working copy.
     */
    private SagaState during(Consumer<Mutable> change) {
      if (!isStarted() || endedAt != null) {
        return SagaState
            .this; // a rebuild that began after the saga's start, or an event after its end
      }
      var m = new Mutable(SagaState.this);
      change.accept(m);
      return m.build();
    }
  }

  private SagaState started(SagaEvent.Started s) {
    List<StepState> initial = new ArrayList<>();
    for (int i = 0; i < s.plan().size(); i++) {
      initial.add(StepState.planned(i, s.plan().get(i)));
    }
    // a start read after the end (a rebuild from an offset) keeps the end's status
    var m =
        new Mutable(
            new SagaState(
                sagaId,
                taskId,
                s.prompt(),
                s.plan(),
                s.leader(),
                endedAt == null ? Status.RUNNING : status,
                initial,
                List.of(),
                List.of(),
                reason,
                s.at(),
                endedAt,
                s.spending()));
    m.dispatch(m.slip().stageSteps(0), s.at());
    return m.build();
  }

  /** The working copy {@link #apply} changes. */
  private static final class Mutable {
    final SagaState base;
    final List<StepState> steps;
    List<Integer> order;
    final TreeSet<Integer> joined;
    String reason;
    Instant endedAt;
    Status status;
    Spending spending;

    Mutable(SagaState s) {
      base = s;
      steps = new ArrayList<>(s.steps);
      order = s.compensationOrder;
      joined = new TreeSet<>(s.joined);
      reason = s.reason;
      endedAt = s.endedAt;
      status = s.status;
      spending = s.spending;
    }

    RoutingSlip slip() {
      return new SagaState(
              base.sagaId,
              base.taskId,
              base.prompt,
              base.plan,
              base.leader,
              status,
              steps,
              order,
              List.copyOf(joined),
              reason,
              base.startedAt,
              endedAt,
              spending)
          .slip();
    }

    void stepCompleted(SagaEvent.StepCompleted c) {
      if (inPlan(c.stepIndex()) && !step(c.stepIndex()).isSettled()) {
        set(step(c.stepIndex()).completed(c.output(), c.at()));
        spending = spending.withStep(c.stepIndex(), c.tokens(), c.costMicros());
        settledAlone(c.stepIndex(), c.at());
      }
    }

    void stepFailed(SagaEvent.StepFailed f) {
      if (inPlan(f.stepIndex()) && !step(f.stepIndex()).isSettled()) {
        set(step(f.stepIndex()).failed(f.error(), f.at()));
        spending = spending.withStep(f.stepIndex(), f.tokens(), f.costMicros());
        settledAlone(f.stepIndex(), f.at());
      }
    }

    void dispatchHeld(SagaEvent.DispatchHeld h) {
      if (inPlan(h.stepIndex()) && step(h.stepIndex()).status() == StepStatus.RUNNING) {
        set(step(h.stepIndex()).held());
      }
    }

    void dispatchReleased(SagaEvent.DispatchReleased r) {
      if (inPlan(r.stepIndex()) && step(r.stepIndex()).status() == StepStatus.HELD) {
        set(step(r.stepIndex()).released());
      }
    }

    void joined(SagaEvent.Joined j) {
      if (inPlan(j.stepIndex()) && !joined.contains(j.stepIndex())) {
        joined.add(j.stepIndex());
        stageSettled(j.stepIndex(), j.at());
      }
    }

    void approvalRequested(SagaEvent.ApprovalRequested r) {
      if (inPlan(r.stepIndex()) && step(r.stepIndex()).status() == StepStatus.PENDING) {
        dispatch(List.of(r.stepIndex()), r.at());
      }
    }

    void approvalDecided(SagaEvent.ApprovalDecided d) {
      if (inPlan(d.stepIndex())
          && step(d.stepIndex()).status() == StepStatus.AWAITING_APPROVAL
          && step(d.stepIndex()).approval() == null) {
        set(
            step(d.stepIndex())
                .decided(new Approval(d.approved(), d.actor(), d.comment(), d.at())));
      }
    }

    void compensated(SagaEvent.Compensated c) {
      if (inPlan(c.stepIndex()) && !compensationOver(c.stepIndex())) {
        set(step(c.stepIndex()).compensated(c.at()));
        startNextCompensation(c.stepIndex());
      }
    }

    void compensationFailed(SagaEvent.CompensationFailed f) {
      if (inPlan(f.stepIndex())
          && !compensationOver(f.stepIndex())
          && f.attempt() >= step(f.stepIndex()).compensationAttempt()) {
        set(step(f.stepIndex()).compensationFailed(f.attempt(), f.error(), f.at()));
      }
    }

    void compensationRetried(SagaEvent.CompensationRetried r) {
      if (inPlan(r.stepIndex())
          && !compensationOver(r.stepIndex())
          && r.attempt() > step(r.stepIndex()).compensationAttempt()) {
        set(step(r.stepIndex()).compensationRunning(r.attempt(), r.at()));
      }
    }

    void compensationParked(SagaEvent.CompensationParked p) {
      if (inPlan(p.stepIndex()) && !compensationOver(p.stepIndex())) {
        set(step(p.stepIndex()).compensationParked(p.error(), p.at()));
        startNextCompensation(p.stepIndex());
      }
    }

    boolean inPlan(int i) {
      return i < steps.size();
    }

    StepState step(int i) {
      return steps.get(i);
    }

    void set(StepState s) {
      steps.set(s.index(), s);
    }

    boolean compensationOver(int i) {
      CompensationStatus c = step(i).compensation();
      return c == CompensationStatus.DONE || c == CompensationStatus.PARKED;
    }

    /**
     * A sequential step's outcome moves the saga on at once (its writer did in the same
     * transaction).
     */
    void settledAlone(int index, Instant at) {
      if (slip().stageSteps(index).size() == 1) {
        stageSettled(index, at);
      }
    }

    void stageSettled(int index, Instant at) {
      RoutingSlip slip = slip();
      List<Integer> stage = slip.stageSteps(index);
      if (!stage.stream().allMatch(slip::isSettled) || !order.isEmpty()) {
        return;
      }
      int last = stage.get(stage.size() - 1);
      if (stage.stream().allMatch(slip.outputs()::containsKey)) {
        if (last + 1 < steps.size()) {
          dispatch(slip.stageSteps(last + 1), at);
        }
        return;
      }
      order = SagaDecider.compensationOrder(slip, last);
      if (reason == null) {
        reason =
            SagaDecider.reason(slip, stage.stream().filter(slip.failures()::containsKey).toList());
      }
      for (int i = 0; i < order.size(); i++) {
        StepState s = step(order.get(i));
        set(i == 0 ? s.compensationRunning(1, at) : s.compensationPending());
      }
    }

    void startNextCompensation(int done) {
      int pos = order.indexOf(done);
      if (pos >= 0 && pos + 1 < order.size()) {
        StepState next = step(order.get(pos + 1));
        if (next.compensation() == CompensationStatus.PENDING) {
          set(next.compensationRunning(1, step(done).compensationAt()));
        }
      }
    }

    void dispatch(List<Integer> indices, Instant at) {
      for (int i : indices) {
        StepState s = step(i);
        if (s.status() != StepStatus.PENDING) {
          continue;
        }
        SagaStep planned = base.plan.get(i);
        Instant deadline =
            planned.policy().hasDeadline() ? at.plus(planned.policy().timeout()) : null;
        set(planned.isApproval() ? s.awaitingApproval(at, deadline) : s.dispatched(at, deadline));
      }
    }

    SagaState build() {
      Status st = status;
      if (endedAt == null) {
        if (!order.isEmpty()) {
          st = Status.COMPENSATING;
        } else if (steps.stream()
                .noneMatch(s -> s.status() == StepStatus.RUNNING || s.status() == StepStatus.HELD)
            && steps.stream().anyMatch(s -> s.status() == StepStatus.AWAITING_APPROVAL)) {
          st = Status.AWAITING_APPROVAL;
        } else {
          st = Status.RUNNING;
        }
      }
      return new SagaState(
          base.sagaId,
          base.taskId,
          base.prompt,
          base.plan,
          base.leader,
          st,
          steps,
          order,
          List.copyOf(joined),
          reason,
          base.startedAt,
          endedAt,
          spending);
    }
  }
}
