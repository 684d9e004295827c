package io.conclave.launcher.saga;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.AgentIds;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.journal.LogFolder;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaIds;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.AgentLogs;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.worker.Redrive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * A saga as the logs recorded it, read back for a re-drive: its plan and each step's outcome
 * (conclave.saga-events), the task's prompt (conclave.tasks), and for each step the decisions its
 * agent recorded and the agent's state just before them (conclave.decisions, conclave.snapshots).
 * Reads read_committed.
 */
final class SagaRecording implements AutoCloseable {
  private final ConclaveSettings settings;
  private final ConclaveSerdes serdes;
  private final TopicScan scan;
  private final AgentLogs logs;

  SagaRecording(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.settings = settings;
    this.serdes = serdes;
    this.scan = new TopicScan(settings.kafka());
    this.logs = new AgentLogs(settings, serdes);
  }

  /** The saga's plan and its steps that ran (completed or failed), in step order. */
  record Saga(String sagaId, String taskId, List<SagaStep> plan, List<Ran> steps) {}

  /** A step that ran: its index and how it ended. */
  record Ran(int index, Optional<String> output, Optional<String> failure) {}

  /**
   * @param sagaOrTaskId a saga id ({@code saga-<task>}) or the task id
   * @throws IllegalArgumentException if no such saga was started
   */
  Saga saga(String sagaOrTaskId) {
    SagaState state = state(sagaOrTaskId);
    List<Ran> ran = new ArrayList<>();
    for (SagaState.StepState step : state.steps()) {
      if (step.status() == SagaState.StepStatus.COMPLETED) {
        ran.add(new Ran(step.index(), Optional.of(step.output()), Optional.empty()));
      } else if (step.status() == SagaState.StepStatus.FAILED) {
        ran.add(new Ran(step.index(), Optional.empty(), Optional.of(step.error())));
      }
    }
    return new Saga(state.sagaId(), state.taskId(), state.plan(), List.copyOf(ran));
  }

  /**
   * The saga as the fold of its events, which are in its task's shard.
   *
   * @param sagaOrTaskId a saga id ({@code saga-<task>}) or the task id
   * @throws IllegalArgumentException if no such saga was started
   */
  SagaState state(String sagaOrTaskId) {
    String taskId =
        sagaOrTaskId.startsWith(SagaIds.of("")) ? SagaIds.taskIdOf(sagaOrTaskId) : sagaOrTaskId;
    String sagaId = SagaIds.of(taskId);
    String topic = settings.topics().sagaEvents();
    var reader = serdes.sagaEvent().deserializer();
    List<SagaEvent> events = new ArrayList<>();
    scan.scan(
        new TopicPartition(topic, Partitioning.of(taskId, settings.partitions())),
        0,
        -1,
        r -> {
          if (r.value() != null) {
            SagaEvent e = reader.deserialize(topic, r.value());
            if (e.sagaId().equals(sagaId)) {
              events.add(e);
            }
          }
        });
    SagaState state = events.isEmpty() ? null : SagaState.of(events);
    if (state == null || !state.isStarted()) {
      throw new IllegalArgumentException(
          "no saga " + sagaId + " was started (looked in " + topic + ")");
    }
    return state;
  }

  /** The task's prompt: the input of the saga's first step. */
  String prompt(String taskId) {
    String topic = settings.topics().tasks();
    byte[] key = taskId.getBytes(StandardCharsets.UTF_8);
    var reader = serdes.taskSubmission().deserializer();
    TaskSubmission[] latest = {null};
    scan.scan(
        new TopicPartition(topic, Partitioning.of(taskId, settings.partitions())),
        0,
        -1,
        r -> {
          if (Arrays.equals(key, r.key())) {
            latest[0] = r.value() == null ? null : reader.deserialize(topic, r.value());
          }
        });
    if (latest[0] == null) {
      throw new IllegalArgumentException(
          "task " + taskId + " is no longer in " + topic + "; its prompt is unknown");
    }
    return latest[0].prompt();
  }

  /**
   * The recording of one step that ran, and its agent's state just before it.
   *
   * @param input what the step worked on
   */
  <S> Recorded<S> step(Saga saga, Ran ran, String input, StateFold<S> fold) {
    SagaStep step = saga.plan().get(ran.index());
    // the command of every step of a saga is keyed by the saga id: its partition is the agent
    // instance
    String agentId =
        AgentIds.of(step.agentType(), Partitioning.of(saga.sagaId(), settings.partitions()));
    TopicPartition tp = logs.decisionsPartition(agentId);
    List<AgentLogs.Logged> mine =
        logs.decisions(agentId, 0, -1).stream()
            .filter(
                l ->
                    l.decision().sagaId().equals(Optional.of(saga.sagaId()))
                        && l.decision().stepIndex().equals(Optional.of(ran.index())))
            .toList();
    if (mine.isEmpty()) {
      throw new IllegalArgumentException(
          "agent "
              + agentId
              + " has no decision of step "
              + ran.index()
              + " of "
              + saga.sagaId()
              + " in "
              + tp
              + " (erased?)");
    }
    long first = mine.get(0).offset();
    FoldedLog<S> before =
        first == 0
            ? LogFolder.fromStart(agentId, fold).result(0)
            : logs.fold(agentId, fold, new AgentLogs.Bound.AtOffset(first - 1), true);
    var recorded =
        new Redrive.RecordedStep(
            saga.sagaId(),
            saga.taskId(),
            ran.index(),
            step,
            input,
            ran.output(),
            ran.failure(),
            agentId,
            mine.stream().map(AgentLogs.Logged::decision).toList());
    return new Recorded<>(recorded, before);
  }

  /** A step's recording and the state of its agent before it. */
  record Recorded<S>(Redrive.RecordedStep step, FoldedLog<S> before) {}

  @Override
  public void close() {
    logs.close();
    scan.close();
  }
}
