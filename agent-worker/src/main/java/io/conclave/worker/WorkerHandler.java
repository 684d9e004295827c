package io.conclave.worker;

import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import io.conclave.core.StepCommand;
import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.DecisionSequences;
import io.conclave.kafka.PoisonRecordException;
import io.conclave.kafka.TransactionalPartitionLoop;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps on one partition of an agent type's command topic. The partition is the agent instance: its
 * decisions form the log of agent {@code <type>-<partition>}, continued by whichever worker owns the partition.
 */
final class WorkerHandler implements TransactionalPartitionLoop.Handler<StepCommand> {
  private static final Logger log = LoggerFactory.getLogger(WorkerHandler.class);

  private final Agent agent;
  private final FailsafeExecutor<StepResult> policies;
  private final ConclaveRecords records;
  private final DecisionSequences sequences;
  private final Clock clock;
  private final Map<Integer, long[]> nextSequence = new HashMap<>();

  WorkerHandler(Agent agent, FailsafeExecutor<StepResult> policies, ConclaveRecords records,
                DecisionSequences sequences, Clock clock) {
    this.agent = agent;
    this.policies = policies;
    this.records = records;
    this.sequences = sequences;
    this.clock = clock;
  }

  static String agentId(String agentType, int partition) {
    return agentType + "-" + partition;
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> onAssigned(int partition, long committedOffset) {
    nextSequence.put(partition, new long[] {sequences.next(agentId(agent.type(), partition))});
    return List.of();
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> record, StepCommand command) {
    if (!command.step().agentType().equals(agent.type())) {
      throw new PoisonRecordException("command for agent type '" + command.step().agentType()
          + "' on the topic of '" + agent.type() + "'");
    }
    var slip = command.slip();
    var request = new StepRequest(slip.sagaId(), slip.taskId(), slip.cursor(), command.step(), command.input(),
        command.attempt());
    StepResult result = run(request);
    long[] seq = nextSequence.get(record.partition());
    var transition = StepEngine.after(command, result, agentId(agent.type(), record.partition()), seq[0],
        clock.instant());
    seq[0] += transition.decisions().size();
    log.info("{} step {} of {}: {}", agent.type(), slip.cursor(), slip.sagaId(),
        result instanceof StepResult.Completed ? "completed" : "failed");
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    transition.decisions().forEach(d -> out.add(records.decision(d)));
    transition.events().forEach(e -> out.add(records.sagaEvent(e)));
    transition.next().ifPresent(c -> out.add(records.stepCommand(c)));
    return out;
  }

  private StepResult run(StepRequest request) {
    try {
      return policies.get(() -> agent.act(request));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // retries are spent: the step fails and the saga stops instead of blocking the partition
      Throwable cause = e instanceof FailsafeException && e.getCause() != null ? e.getCause() : e;
      return new StepResult.Failed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }

  @Override
  public void onRevoked(int partition) {
    nextSequence.remove(partition);
  }
}
