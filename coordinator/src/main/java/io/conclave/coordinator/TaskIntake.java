package io.conclave.coordinator;

import io.conclave.core.AgentJournal;
import io.conclave.core.Decision;
import io.conclave.core.LeaderStamp;
import io.conclave.core.RoutingSlip;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaIds;
import io.conclave.core.SagaStep;
import io.conclave.core.SagaMoves;
import io.conclave.core.TaskSubmission;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a shard leader writes when it starts a task's saga. Pure: no I/O, no clock (the journal is in memory). */
public final class TaskIntake {
  /** The kind of the leader's decision in the log. */
  public static final String PLAN_DECISION = "PLAN";

  private TaskIntake() {}

  /**
   * The saga's start ({@link SagaEvent.Started} and the dispatch of its first stage) and the leader's decision,
   * written together in one transaction.
   */
  public record SagaStart(SagaMoves moves, Decision decision) {
    public SagaEvent.Started started() {
      return (SagaEvent.Started) moves.events().get(0);
    }
  }

  /** One saga per task: its id follows from the task id, so a repeated start is recognisable downstream too. */
  public static String sagaIdOf(String taskId) {
    return SagaIds.of(taskId);
  }

  /**
   * Starts the saga of {@code task}; the plan is appended to the planner's {@code journal} as its next decision
   * (and accepted: the caller writes it with the saga's start).
   */
  public static SagaStart start(TaskSubmission task, List<SagaStep> plan, LeaderStamp leader,
                                AgentJournal<?> journal, Instant now) {
    String sagaId = sagaIdOf(task.taskId());
    RoutingSlip slip = RoutingSlip.start(sagaId, task.taskId(), task.prompt(), plan);
    Decision planned = plan(journal, sagaId, describe(slip), leader, now);
    return new SagaStart(SagaMoves.start(slip, leader, now), planned);
  }

  private static <S> Decision plan(AgentJournal<S> journal, String sagaId, String plan, LeaderStamp leader,
                                   Instant now) {
    var draft = journal.begin(new AgentJournal.Origin(Optional.of(sagaId), Optional.empty(), now,
        Optional.of(leader.epoch())));
    draft.append(PLAN_DECISION, plan);
    return journal.accept(draft).get(0);
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
        names.append(names.length() > 0 ? " | " : "").append(s.agentType()).append('.').append(s.action());
      }
      sb.append(stage.size() > 1 ? "(" + names + ")" : names);
    }
    return sb.toString();
  }
}
