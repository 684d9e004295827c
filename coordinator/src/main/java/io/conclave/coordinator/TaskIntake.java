package io.conclave.coordinator;

import io.conclave.core.AgentJournal;
import io.conclave.core.Decision;
import io.conclave.core.LeaderStamp;
import io.conclave.core.RoutingSlip;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaStep;
import io.conclave.core.StepCommand;
import io.conclave.core.TaskSubmission;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a shard leader writes when it starts a task's saga. Pure: no I/O, no clock (the journal is in memory). */
public final class TaskIntake {
  /** The kind of the leader's decision in the log. */
  public static final String PLAN_DECISION = "PLAN";

  private TaskIntake() {}

  /** The saga, the leader's decision and the first command, written together in one transaction. */
  public record SagaStart(SagaEvent.Started started, Decision decision, StepCommand firstCommand) {}

  /** One saga per task: its id follows from the task id, so a repeated start is recognisable downstream too. */
  public static String sagaIdOf(String taskId) {
    return "saga-" + taskId;
  }

  /**
   * Starts the saga of {@code task}; the plan is appended to the planner's {@code journal} as its next decision
   * (and accepted: the caller writes it with the saga's start).
   */
  public static SagaStart start(TaskSubmission task, List<SagaStep> plan, LeaderStamp leader,
                                AgentJournal<?> journal, Instant now) {
    String sagaId = sagaIdOf(task.taskId());
    RoutingSlip slip = RoutingSlip.start(sagaId, task.taskId(), plan);
    var started = new SagaEvent.Started(sagaId, task.taskId(), SagaEvent.Seq.started(), plan, leader, now);
    Decision planned = plan(journal, sagaId, describe(plan), leader, now);
    var first = new StepCommand(slip, task.prompt(), 0, leader, now);
    return new SagaStart(started, planned, first);
  }

  private static <S> Decision plan(AgentJournal<S> journal, String sagaId, String plan, LeaderStamp leader,
                                   Instant now) {
    var draft = journal.begin(new AgentJournal.Origin(Optional.of(sagaId), Optional.empty(), now,
        Optional.of(leader.epoch())));
    draft.append(PLAN_DECISION, plan);
    return journal.accept(draft).get(0);
  }

  private static String describe(List<SagaStep> plan) {
    StringBuilder sb = new StringBuilder();
    for (SagaStep s : plan) {
      if (sb.length() > 0) {
        sb.append(" -> ");
      }
      sb.append(s.agentType()).append('.').append(s.action());
    }
    return sb.toString();
  }
}
