package io.conclave.model.saga;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A saga as the fold of its events: its status, every step's state, its compensations and timings. The shard leader
 * folds the events of its shard to watch deadlines, joins and approvals; the projections fold them to answer
 * {@code GET /sagas/{id}}. Applying an event twice, or an outcome for a step that already has one, changes nothing:
 * the first outcome of a step wins, so at-least-once delivery and a late worker are harmless. Pure.
 *
 * @param compensationOrder the steps being undone, in order; empty unless the saga compensates
 * @param joined            the first step index of every parallel stage the shard leader has joined
 * @param reason            why the saga compensates or ended without completing; null otherwise
 * @param spending          the saga's tenant, its token budget and the tokens its settled steps spent
 */
public record SagaState(String sagaId, String taskId, String prompt, List<SagaStep> plan, LeaderStamp leader,
                        Status status, List<StepState> steps, List<Integer> compensationOrder, List<Integer> joined,
                        String reason, Instant startedAt, Instant endedAt, Spending spending) {
  /** Where a saga is. */
  public enum Status { RUNNING, AWAITING_APPROVAL, COMPENSATING, COMPLETED, COMPENSATED, FAILED;

    public boolean isFinished() {
      return this == COMPLETED || this == COMPENSATED || this == FAILED;
    }
  }

  /**
   * Where a step is. HELD: dispatched, but its command waits with the shard leader while its agent type's breakers are
   * all open; its deadline runs as if it were running.
   */
  public enum StepStatus { PENDING, RUNNING, HELD, AWAITING_APPROVAL, COMPLETED, FAILED }

  /** Where a step's compensation is. */
  public enum CompensationStatus { NONE, PENDING, RUNNING, FAILED, DONE, PARKED }

  /** A human's decision on an approval step. */
  public record Approval(boolean approved, String actor, String comment, Instant at) {}

  /**
   * One step of the saga. Times and texts are null until known.
   *
   * @param compensationAttempt the latest attempt of the compensation sent (0 if none)
   */
  public record StepState(int index, String agentType, String action, boolean parallel, StepStatus status,
                          String output, String error, Instant dispatchedAt, Instant deadline, Instant finishedAt,
                          Approval approval, CompensationStatus compensation, int compensationAttempt,
                          String compensationError, Instant compensationAt) {
    StepState with(StepStatus s, String out, String err, Instant dispatched, Instant dl, Instant finished) {
      return new StepState(index, agentType, action, parallel, s, out, err, dispatched, dl, finished, approval,
          compensation, compensationAttempt, compensationError, compensationAt);
    }

    StepState withApproval(Approval a) {
      return new StepState(index, agentType, action, parallel, status, output, error, dispatchedAt, deadline,
          finishedAt, a, compensation, compensationAttempt, compensationError, compensationAt);
    }

    StepState withCompensation(CompensationStatus c, int attempt, String err, Instant at) {
      return new StepState(index, agentType, action, parallel, status, output, error, dispatchedAt, deadline,
          finishedAt, approval, c, attempt, err, at);
    }

    public boolean isSettled() {
      return status == StepStatus.COMPLETED || status == StepStatus.FAILED;
    }
  }

  public SagaState {
    Require.text(sagaId, "sagaId");
    Require.text(taskId, "taskId");
    plan = List.copyOf(plan);
    steps = List.copyOf(steps);
    compensationOrder = List.copyOf(compensationOrder);
    joined = List.copyOf(joined);
    // a state stored before sagas had budgets (the projections' saga store) reads as the default tenant's, unlimited
    spending = spending == null ? Spending.unlimited(Spending.DEFAULT_TENANT) : spending;
  }

  /** A saga of which nothing is known yet. */
  public static SagaState empty(String sagaId, String taskId) {
    return new SagaState(sagaId, taskId, "", List.of(), null, Status.RUNNING, List.of(), List.of(), List.of(), null,
        null, null, Spending.unlimited(Spending.DEFAULT_TENANT));
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
      throw new IllegalArgumentException("event of saga " + event.sagaId() + " applied to saga " + sagaId);
    }
    if (event instanceof SagaEvent.Started s) {
      return isStarted() ? this : started(s);
    }
    var m = new Mutable(this);
    if (event instanceof SagaEvent.Completed c) {
      if (m.endedAt != null) {
        return this; // the first end wins
      }
      m.endedAt = c.at();
      m.status = Status.COMPLETED;
      return m.build();
    }
    if (event instanceof SagaEvent.Aborted a) {
      if (m.endedAt != null) {
        return this;
      }
      m.endedAt = a.at();
      m.reason = m.reason == null ? a.reason() : m.reason;
      m.status = m.steps.stream().anyMatch(s -> s.compensation() == CompensationStatus.PARKED) ? Status.FAILED
          : Status.COMPENSATED;
      return m.build();
    }
    if (!isStarted() || m.endedAt != null) {
      return this; // a rebuild that began after the saga's start, or an event after its end
    }
    m.apply(event);
    return m.build();
  }

  private SagaState started(SagaEvent.Started s) {
    List<StepState> initial = new ArrayList<>();
    for (int i = 0; i < s.plan().size(); i++) {
      SagaStep step = s.plan().get(i);
      initial.add(new StepState(i, step.agentType(), step.action(), step.parallel(), StepStatus.PENDING, null, null,
          null, null, null, null, CompensationStatus.NONE, 0, null, null));
    }
    // a start read after the end (a rebuild from an offset) keeps the end's status
    var m = new Mutable(new SagaState(sagaId, taskId, s.prompt(), s.plan(), s.leader(),
        endedAt == null ? Status.RUNNING : status, initial, List.of(), List.of(), reason, s.at(), endedAt,
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
      return new SagaState(base.sagaId, base.taskId, base.prompt, base.plan, base.leader, status, steps, order,
          List.copyOf(joined), reason, base.startedAt, endedAt, spending).slip();
    }

    void apply(SagaEvent event) {
      if (event instanceof SagaEvent.StepCompleted c && inPlan(c.stepIndex()) && !step(c.stepIndex()).isSettled()) {
        StepState s = step(c.stepIndex());
        set(s.with(StepStatus.COMPLETED, c.output(), null, s.dispatchedAt(), s.deadline(), c.at()));
        spending = spending.withStep(c.stepIndex(), c.tokens(), c.costMicros());
        settledAlone(c.stepIndex(), c.at());
      } else if (event instanceof SagaEvent.StepFailed f && inPlan(f.stepIndex())
          && !step(f.stepIndex()).isSettled()) {
        StepState s = step(f.stepIndex());
        set(s.with(StepStatus.FAILED, null, f.error(), s.dispatchedAt(), s.deadline(), f.at()));
        spending = spending.withStep(f.stepIndex(), f.tokens(), f.costMicros());
        settledAlone(f.stepIndex(), f.at());
      } else if (event instanceof SagaEvent.DispatchHeld h && inPlan(h.stepIndex())
          && step(h.stepIndex()).status() == StepStatus.RUNNING) {
        StepState s = step(h.stepIndex());
        set(s.with(StepStatus.HELD, null, null, s.dispatchedAt(), s.deadline(), null));
      } else if (event instanceof SagaEvent.DispatchReleased r && inPlan(r.stepIndex())
          && step(r.stepIndex()).status() == StepStatus.HELD) {
        StepState s = step(r.stepIndex());
        set(s.with(StepStatus.RUNNING, null, null, s.dispatchedAt(), s.deadline(), null));
      } else if (event instanceof SagaEvent.Joined j && inPlan(j.stepIndex()) && !joined.contains(j.stepIndex())) {
        joined.add(j.stepIndex());
        stageSettled(j.stepIndex(), j.at());
      } else if (event instanceof SagaEvent.ApprovalRequested r && inPlan(r.stepIndex())
          && step(r.stepIndex()).status() == StepStatus.PENDING) {
        dispatch(List.of(r.stepIndex()), r.at());
      } else if (event instanceof SagaEvent.ApprovalDecided d && inPlan(d.stepIndex())
          && step(d.stepIndex()).status() == StepStatus.AWAITING_APPROVAL && step(d.stepIndex()).approval() == null) {
        set(step(d.stepIndex()).withApproval(new Approval(d.approved(), d.actor(), d.comment(), d.at())));
      } else if (event instanceof SagaEvent.Compensated c && inPlan(c.stepIndex()) && !compensationOver(c.stepIndex())) {
        StepState s = step(c.stepIndex());
        set(s.withCompensation(CompensationStatus.DONE, Math.max(1, s.compensationAttempt()), null, c.at()));
        startNextCompensation(c.stepIndex());
      } else if (event instanceof SagaEvent.CompensationFailed f && inPlan(f.stepIndex())
          && !compensationOver(f.stepIndex()) && f.attempt() >= step(f.stepIndex()).compensationAttempt()) {
        set(step(f.stepIndex()).withCompensation(CompensationStatus.FAILED, f.attempt(), f.error(), f.at()));
      } else if (event instanceof SagaEvent.CompensationRetried r && inPlan(r.stepIndex())
          && !compensationOver(r.stepIndex()) && r.attempt() > step(r.stepIndex()).compensationAttempt()) {
        set(step(r.stepIndex()).withCompensation(CompensationStatus.RUNNING, r.attempt(), null, r.at()));
      } else if (event instanceof SagaEvent.CompensationParked p && inPlan(p.stepIndex())
          && !compensationOver(p.stepIndex())) {
        StepState s = step(p.stepIndex());
        set(s.withCompensation(CompensationStatus.PARKED, s.compensationAttempt(), p.error(), p.at()));
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

    /** A sequential step's outcome moves the saga on at once (its writer did in the same transaction). */
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
        reason = SagaDecider.reason(slip, stage.stream().filter(slip.failures()::containsKey).toList());
      }
      for (int i = 0; i < order.size(); i++) {
        StepState s = step(order.get(i));
        set(s.withCompensation(i == 0 ? CompensationStatus.RUNNING : CompensationStatus.PENDING, i == 0 ? 1 : 0, null,
            i == 0 ? at : null));
      }
    }

    void startNextCompensation(int done) {
      int pos = order.indexOf(done);
      if (pos >= 0 && pos + 1 < order.size()) {
        StepState next = step(order.get(pos + 1));
        if (next.compensation() == CompensationStatus.PENDING) {
          set(next.withCompensation(CompensationStatus.RUNNING, 1, null, step(done).compensationAt()));
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
        Instant deadline = planned.policy().hasDeadline() ? at.plus(planned.policy().timeout()) : null;
        set(s.with(planned.isApproval() ? StepStatus.AWAITING_APPROVAL : StepStatus.RUNNING, null, null, at, deadline,
            null));
      }
    }

    SagaState build() {
      Status st = status;
      if (endedAt == null) {
        if (!order.isEmpty()) {
          st = Status.COMPENSATING;
        } else if (steps.stream().noneMatch(s -> s.status() == StepStatus.RUNNING || s.status() == StepStatus.HELD)
            && steps.stream().anyMatch(s -> s.status() == StepStatus.AWAITING_APPROVAL)) {
          st = Status.AWAITING_APPROVAL;
        } else {
          st = Status.RUNNING;
        }
      }
      return new SagaState(base.sagaId, base.taskId, base.prompt, base.plan, base.leader, st, steps, order,
          List.copyOf(joined), reason, base.startedAt, endedAt, spending);
    }
  }
}
