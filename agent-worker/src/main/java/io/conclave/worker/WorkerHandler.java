package io.conclave.worker;

import dev.failsafe.FailsafeExecutor;
import io.conclave.core.AgentIds;
import io.conclave.core.AgentJournal;
import io.conclave.core.FoldedLog;
import io.conclave.core.StepCommand;
import io.conclave.kafka.AgentLogs;
import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.PoisonRecordException;
import io.conclave.kafka.TransactionalPartitionLoop;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps on the partitions of an agent type's command topic. A partition is an agent instance: its decisions
 * form the log of agent {@code <type>-<partition>}, continued by whichever worker owns the partition. Taking a
 * partition over rebuilds the agent's state from its log (latest snapshot plus the decisions after it); every
 * {@code snapshotEvery} decisions, once they have committed, a snapshot of the state is written.
 */
final class WorkerHandler<S> implements TransactionalPartitionLoop.Handler<StepCommand> {
  private static final Logger log = LoggerFactory.getLogger(WorkerHandler.class);

  private final Agent<S> agent;
  private final FailsafeExecutor<StepResult> policies;
  private final ConclaveRecords records;
  private final AgentLogs logs;
  private final LlmClient model;
  private final Clock clock;
  private final int snapshotEvery;
  private final Map<Integer, AgentJournal<S>> journals = new HashMap<>();

  WorkerHandler(Agent<S> agent, FailsafeExecutor<StepResult> policies, ConclaveRecords records, AgentLogs logs,
                LlmClient model, Clock clock, int snapshotEvery) {
    this.agent = agent;
    this.policies = policies;
    this.records = records;
    this.logs = logs;
    this.model = model;
    this.clock = clock;
    this.snapshotEvery = snapshotEvery;
  }

  @Override
  public void warmUp() {
    logs.current(AgentIds.of(agent.type(), 0), agent.fold());
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> onAssigned(int partition, long committedOffset) {
    String agentId = AgentIds.of(agent.type(), partition);
    FoldedLog<S> folded = logs.current(agentId, agent.fold());
    if (folded.gaps() > 0) {
      log.warn("{}: its log misses {} sequence numbers", agentId, folded.gaps());
    }
    log.info("{}: state rebuilt at sequence {} ({} decisions folded{})", agentId, folded.nextSequence(),
        folded.folded(), folded.snapshot().map(s -> " after the snapshot at sequence " + s.nextSequence()).orElse(""));
    journals.put(partition, new AgentJournal<>(agentId, agent.fold(), folded, snapshotEvery));
    return List.of();
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> record, StepCommand command) {
    if (!command.step().agentType().equals(agent.type())) {
      throw new PoisonRecordException("command for agent type '" + command.step().agentType()
          + "' on the topic of '" + agent.type() + "'");
    }
    AgentJournal<S> journal = journals.get(record.partition());
    var slip = command.slip();
    var request = new StepRequest(slip.sagaId(), slip.taskId(), slip.cursor(), command.step(), command.input(),
        command.attempt());
    var origin = new AgentJournal.Origin(Optional.of(slip.sagaId()), Optional.of(slip.cursor()), clock.instant(),
        Optional.empty());
    StepRunner.Ran ran = StepRunner.run(agent, journal, request, origin, policies, model);
    var transition = StepEngine.after(command, ran.result(), ran.decisions(), origin.at());
    log.info("{} step {} of {}: {}", journal.agentId(), slip.cursor(), slip.sagaId(),
        ran.result() instanceof StepResult.Completed ? "completed" : "failed");
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    transition.decisions().forEach(d -> out.add(records.decision(d)));
    transition.events().forEach(e -> out.add(records.sagaEvent(e)));
    transition.next().ifPresent(c -> out.add(records.stepCommand(c)));
    return out;
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> onCommitted(int partition, List<RecordMetadata> written) {
    AgentJournal<S> journal = journals.get(partition);
    return journal == null ? List.of() : records.snapshotIfDue(journal, written, clock.instant());
  }

  @Override
  public void onRevoked(int partition) {
    journals.remove(partition);
  }
}
