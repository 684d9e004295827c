package io.conclave.coordinator;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.RoutingSlip;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaIds;
import io.conclave.model.saga.SagaMoves;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a shard leader writes when it starts a task's saga. Pure: no I/O, no clock (the journal is
 * in memory).
 */
public final class TaskIntake {
  /** The kind of the leader's decision in the log. */
  public static final String PLAN_DECISION = "PLAN";

  /** The kind of the leader's decision not to run a task's saga. */
  public static final String REFUSAL_DECISION = "REFUSED";

  private TaskIntake() {}

  /**
   * The saga's start ({@link SagaEvent.Started} and the dispatch of its first stage) and the
   * leader's decisions (what its planner recorded, then the plan or the refusal), written together
   * in one transaction.
   */
  public record SagaStart(SagaMoves moves, List<Decision> decisions) {
    public SagaStart {
      decisions = List.copyOf(decisions);
      if (decisions.isEmpty()) {
        throw new IllegalArgumentException("a saga's start records the leader's decision");
      }
    }

    public SagaEvent.Started started() {
      return (SagaEvent.Started) moves.events().get(0);
    }

    /** The leader's plan or refusal: its last decision. */
    public Decision decision() {
      return decisions.get(decisions.size() - 1);
    }
  }

  /**
   * One saga per task: its id follows from the task id, so a repeated start is recognisable
   * downstream too.
   */
  public static String sagaIdOf(String taskId) {
    return SagaIds.of(taskId);
  }

  /**
   * Starts the saga of {@code task}; the plan is appended to the planner's {@code journal} as its
   * next decision (and accepted: the caller writes it with the saga's start).
   */
  public static SagaStart start(
      TaskSubmission task,
      List<SagaStep> plan,
      LeaderStamp leader,
      AgentJournal<?> journal,
      Instant now) {
    return start(task, plan, List.of(), leader, journal, Spending.unlimited(task.tenant()), now);
  }

  /**
   * As {@link #start(TaskSubmission, List, LeaderStamp, AgentJournal, Instant)}, the saga budgeted
   * by {@code spending}, what the planner {@code recorded} on the way appended before the plan.
   */
  public static SagaStart start(
      TaskSubmission task,
      List<SagaStep> plan,
      List<Planning.Recorded> recorded,
      LeaderStamp leader,
      AgentJournal<?> journal,
      Spending spending,
      Instant now) {
    String sagaId = sagaIdOf(task.taskId());
    RoutingSlip slip = RoutingSlip.start(sagaId, task.taskId(), task.prompt(), plan, spending);
    List<Decision> planned =
        decide(
            journal,
            sagaId,
            recorded,
            PLAN_DECISION,
            // which definition the plan is, when the task named one
            task.definition().map(d -> d + ": ").orElse("") + describe(slip),
            leader,
            now);
    return new SagaStart(SagaMoves.start(slip, leader, now), planned);
  }

  /**
   * A saga the leader does not run ({@link SagaMoves#refuse}: started and at once aborted for
   * {@code reason}, its budget 0), with the leader's decision, written together.
   */
  public static SagaStart refuse(
      TaskSubmission task,
      List<SagaStep> plan,
      LeaderStamp leader,
      AgentJournal<?> journal,
      String reason,
      Instant now) {
    return refuse(task, plan, List.of(), leader, journal, reason, now);
  }

  /**
   * As {@link #refuse(TaskSubmission, List, LeaderStamp, AgentJournal, String, Instant)}, what the
   * planner {@code recorded} on the way appended before the refusal.
   */
  public static SagaStart refuse(
      TaskSubmission task,
      List<SagaStep> plan,
      List<Planning.Recorded> recorded,
      LeaderStamp leader,
      AgentJournal<?> journal,
      String reason,
      Instant now) {
    String sagaId = sagaIdOf(task.taskId());
    RoutingSlip slip =
        RoutingSlip.start(
            sagaId, task.taskId(), task.prompt(), plan, Spending.limited(task.tenant(), 0));
    List<Decision> refused =
        decide(journal, sagaId, recorded, REFUSAL_DECISION, reason, leader, now);
    return new SagaStart(SagaMoves.refuse(slip, leader, reason, now), refused);
  }

  /**
   * A task the planning refused ({@link Planning.Refused}): its saga is the one step of planning
   * it, never dispatched, and ends at once with the reason.
   */
  public static SagaStart refusePlanning(
      TaskSubmission task,
      Planning.Refused refusal,
      LeaderStamp leader,
      AgentJournal<?> journal,
      Instant now) {
    return refuse(
        task,
        List.of(new SagaStep(CoordinatorHandler.PLANNER_TYPE, "plan", "", "")),
        refusal.recorded(),
        leader,
        journal,
        refusal.reason(),
        now);
  }

  private static <S> List<Decision> decide(
      AgentJournal<S> journal,
      String sagaId,
      List<Planning.Recorded> recorded,
      String kind,
      String payload,
      LeaderStamp leader,
      Instant now) {
    var draft =
        journal.begin(
            new AgentJournal.Origin(
                Optional.of(sagaId), Optional.empty(), now, Optional.of(leader.epoch())));
    recorded.forEach(r -> draft.append(r.kind(), r.payload(), r.model()));
    draft.append(kind, payload);
    return journal.accept(draft);
  }

  /** {@code a.x -> (b.y | c.z) -> d.w}: the stages of {@code steps}. */
  static String describe(List<SagaStep> steps) {
    return describe(RoutingSlip.start("described", "described", steps));
  }

  /** {@code a.x -> (b.y | c.z) -> d.w}: stages in order, parallel steps in parentheses. */
  private static String describe(RoutingSlip slip) {
    StringBuilder sb = new StringBuilder();
    for (List<Integer> stage : slip.stages()) {
      if (sb.length() > 0) {
        sb.append(" -> ");
      }
      StringBuilder names = new StringBuilder();
      for (int i : stage) {
        SagaStep s = slip.steps().get(i);
        names
            .append(names.length() > 0 ? " | " : "")
            .append(s.agentType())
            .append('.')
            .append(s.action());
      }
      sb.append(stage.size() > 1 ? "(" + names + ")" : names);
    }
    return sb.toString();
  }
}
