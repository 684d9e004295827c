package io.conclave.worker;

import io.conclave.agent.Agent;
import io.conclave.agent.CompensationRequest;
import io.conclave.agent.LlmClient;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.AgentIds;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.CompensateCommand;
import io.conclave.model.saga.InputMapping;
import io.conclave.model.saga.RoutingSlip;
import io.conclave.model.saga.StepCommand;
import io.conclave.models.ResilientModel;
import io.conclave.runtime.logging.LogContext;
import io.conclave.runtime.logging.LogContext.Field;
import io.conclave.runtime.loop.PartitionHandler;
import io.conclave.runtime.loop.PoisonRecordException;
import io.conclave.runtime.readers.AgentLogs;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.resilience.CallPolicies;
import io.conclave.worker.remote.RemoteAgent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps and compensations of one agent type. Partition p of the type's command topic and
 * of its compensation topic is agent instance {@code <type>-<p>}: its decisions form one log,
 * continued by whichever worker owns the partition (the loop gives both topics' partition p to the
 * same member). Taking a partition over rebuilds the agent's state from its log (latest snapshot
 * plus the decisions after it); every {@code snapshotEvery} decisions, once they have committed, a
 * snapshot of the state is written.
 *
 * <p>A step whose deadline passed before it started is not run; one that ends after its deadline
 * keeps its decisions but reports nothing to the saga: past the deadline, the shard leader decides
 * (it fails the step and compensates).
 */
final class WorkerHandler<S> implements PartitionHandler<Object> {
  private static final Logger log = LoggerFactory.getLogger(WorkerHandler.class);

  /**
   * The longest an attempt of a step or compensation may run when its deadline does not say
   * otherwise.
   */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(60);

  private final Agent<S> agent;
  private final ConclaveRecords records;
  private final AgentLogs logs;
  private final LlmClient model;
  private final Clock clock;
  private final KnowledgeAccess knowledge;
  private final String commandTopic;
  private final Duration stepBudget;
  private final int snapshotEvery;
  private final MeterRegistry metrics;
  private final Map<Integer, AgentJournal<S>> journals = new HashMap<>();

  WorkerHandler(
      Agent<S> agent,
      ConclaveRecords records,
      AgentLogs logs,
      LlmClient model,
      Clock clock,
      KnowledgeAccess knowledge,
      int snapshotEvery,
      String commandTopic,
      Duration stepBudget,
      MeterRegistry metrics) {
    this.agent = agent;
    this.records = records;
    this.logs = logs;
    this.model = model;
    this.clock = clock;
    this.knowledge = knowledge;
    this.commandTopic = commandTopic;
    this.stepBudget = stepBudget;
    this.snapshotEvery = snapshotEvery;
    this.metrics = metrics;
  }

  @Override
  public void warmUp() {
    logs.warmUp(AgentIds.of(agent.type(), 0), agent.fold());
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> onAssigned(
      int partition, Map<String, Long> committed) {
    String agentId = AgentIds.of(agent.type(), partition);
    FoldedLog<S> folded = logs.current(agentId, agent.fold());
    if (folded.gaps() > 0) {
      log.warn("{}: its log misses {} sequence numbers", agentId, folded.gaps());
    }
    log.info(
        "{}: state rebuilt at sequence {} ({} decisions folded{})",
        agentId,
        folded.nextSequence(),
        folded.folded(),
        folded
            .snapshot()
            .map(s -> " after the snapshot at sequence " + s.nextSequence())
            .orElse(""));
    journals.put(partition, new AgentJournal<>(agentId, agent.fold(), folded, snapshotEvery));
    return List.of();
  }

  /**
   * The agent type's commands wait while the model is unavailable (its breaker open, no fallback),
   * or the agent itself, for a remote agent whose breaker is open: a step started now would only
   * fail and compensate its saga. Compensations go on; a step's deadline still applies (the shard
   * leader fails a step whose command waited past it).
   */
  @Override
  public Set<String> held() {
    return (model instanceof ResilientModel resilient && resilient.unavailable())
            || (agent instanceof RemoteAgent remote && remote.unavailable())
        ? Set.of(commandTopic)
        : Set.of();
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> handle(
      ConsumerRecord<byte[], byte[]> record, Object value) {
    if (value instanceof StepCommand command) {
      try (var fields = logFields(record, command.slip(), command.slip().cursor())) {
        return step(record, command);
      }
    }
    if (value instanceof CompensateCommand command) {
      try (var fields = logFields(record, command.slip(), command.stepIndex())) {
        return compensate(record, command);
      }
    }
    throw new PoisonRecordException("not a command: " + value.getClass().getName());
  }

  /** The saga, task, agent and step on the lines written while a command runs, the agent's own. */
  private LogContext logFields(ConsumerRecord<?, ?> record, RoutingSlip slip, int step) {
    return LogContext.open()
        .with(Field.SAGA, slip.sagaId())
        .with(Field.TASK, slip.taskId())
        .with(Field.AGENT, AgentIds.of(agent.type(), record.partition()))
        .with(Field.STEP, step);
  }

  private List<ProducerRecord<byte[], byte[]>> step(
      ConsumerRecord<byte[], byte[]> record, StepCommand command) {
    checkType(command.step().agentType());
    AgentJournal<S> journal = journals.get(record.partition());
    var slip = command.slip();
    Instant start = clock.instant();
    if (command.isLate(start)) {
      log.info(
          "{}: step {} of {} arrived after its deadline ({}); not run, the shard leader compensates",
          journal.agentId(),
          slip.cursor(),
          slip.sagaId(),
          command.deadline().get());
      return List.of();
    }
    // the command's input as the agent gets it: a placeholder that cannot be rendered makes the
    // command poison
    var request =
        PoisonRecordException.ifRejected(
            () ->
                new StepRequest(
                    slip.sagaId(),
                    slip.taskId(),
                    slip.cursor(),
                    command.step().withInput(InputMapping.render(slip, slip.cursor())),
                    command.input(),
                    command.attempt()));
    var step = request.step();
    var origin =
        new AgentJournal.Origin(
            Optional.of(slip.sagaId()), Optional.of(slip.cursor()), start, Optional.empty());
    Duration attemptTimeout =
        attemptTimeout(
            command.deadline().map(d -> Duration.between(start, d)),
            step.policy().maxAttempts(),
            stepBudget);
    var policies =
        CallPolicies.<StepResult>forStep(
            attemptTimeout, step.policy().maxAttempts(), step.policy().backoff());
    var spending =
        new StepSpending(
            slip.spending().tenant(),
            slip.tokenAllowance(slip.cursor()),
            "step " + slip.cursor() + " of " + slip.sagaId());
    StepRunner.Ran ran =
        runAgent(
            () ->
                StepRunner.run(
                    agent, journal, request, origin, policies, model, knowledge, spending,
                    metrics));
    Instant end = clock.instant();
    List<ProducerRecord<byte[], byte[]>> out = decisionRecords(ran.decisions());
    if (command.isLate(end)) {
      log.info(
          "{}: step {} of {} ended after its deadline; its decisions are kept, the shard leader decides the saga",
          journal.agentId(),
          slip.cursor(),
          slip.sagaId());
      return out;
    }
    // the saga's next move is decided from the command's slip: a slip the decider rejects makes the
    // command poison
    var transition =
        PoisonRecordException.ifRejected(
            () ->
                StepEngine.after(
                    command, ran.result(), ran.decisions(), ran.tokens(), ran.costMicros(), end));
    // a failure is an operator's event; a completed step is the normal case, at hundreds a second:
    // its record is the saga's events, and a line each would cost more CPU than the step (every
    // line is relayed in dev)
    if (ran.result() instanceof StepResult.Failed failed) {
      log.info(
          "{} step {} of {}: failed: {}",
          journal.agentId(),
          slip.cursor(),
          slip.sagaId(),
          failed.reason());
    } else {
      log.debug("{} step {} of {}: completed", journal.agentId(), slip.cursor(), slip.sagaId());
    }
    out.addAll(
        PoisonRecordException.ifRejected(
            () -> records.moves(transition.moves(), source(record), end)));
    return out;
  }

  private List<ProducerRecord<byte[], byte[]>> compensate(
      ConsumerRecord<byte[], byte[]> record, CompensateCommand command) {
    checkType(command.step().agentType());
    AgentJournal<S> journal = journals.get(record.partition());
    var slip = command.slip();
    int index = command.stepIndex();
    var request =
        PoisonRecordException.ifRejected(
            () ->
                new CompensationRequest(
                    slip.sagaId(),
                    slip.taskId(),
                    index,
                    command.step(),
                    slip.outputs().getOrDefault(index, ""),
                    command.reason(),
                    command.attempt()));
    Instant start = clock.instant();
    var origin =
        new AgentJournal.Origin(
            Optional.of(slip.sagaId()), Optional.of(index), start, Optional.empty());
    // one attempt here: the shard leader retries a failed compensation with backoff, without
    // holding this thread
    var policies =
        CallPolicies.<StepResult>forStep(
            attemptTimeout(Optional.empty(), 1, stepBudget), 1, Duration.ZERO);
    // undoing a step is never refused for a budget: its calls are recorded in the agent's log all
    // the same
    var spending =
        new StepSpending(
            slip.spending().tenant(),
            OptionalLong.empty(),
            "the compensation of step " + index + " of " + slip.sagaId());
    StepRunner.Ran ran =
        runAgent(
            () ->
                StepRunner.compensate(
                    agent, journal, request, origin, policies, model, knowledge, spending,
                    metrics));
    Instant end = clock.instant();
    var transition =
        PoisonRecordException.ifRejected(
            () -> StepEngine.afterCompensation(command, ran.result(), ran.decisions(), end));
    if (ran.result() instanceof StepResult.Failed failed) {
      log.warn(
          "{}: compensation {} of step {} of {} (attempt {}) failed: {}",
          journal.agentId(),
          command.step().compensation(),
          index,
          slip.sagaId(),
          command.attempt(),
          failed.reason());
    } else {
      log.info(
          "{}: step {} of {} compensated ({})",
          journal.agentId(),
          index,
          slip.sagaId(),
          command.step().compensation());
    }
    List<ProducerRecord<byte[], byte[]>> out = decisionRecords(transition.decisions());
    out.addAll(
        PoisonRecordException.ifRejected(
            () -> records.moves(transition.moves(), source(record), end)));
    return out;
  }

  /**
   * The decisions for the agent's log, and each knowledge update among them for conclave.knowledge
   * too.
   */
  private List<ProducerRecord<byte[], byte[]>> decisionRecords(List<Decision> decisions) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (Decision d : decisions) {
      out.add(records.decision(d));
      if (d.kind().equals(KnowledgeDelta.DECISION)) {
        out.add(records.knowledge(KnowledgeDelta.of(d)));
      }
    }
    return out;
  }

  /**
   * How long one attempt of a step may run: until the step's deadline, at most {@link
   * #ATTEMPT_TIMEOUT}, and short enough that all its attempts (with room for their backoffs) fit in
   * {@code stepBudget}, the share of {@code max.poll.interval.ms} one record may take: a hung model
   * then fails the step instead of making the worker leave its group.
   */
  static Duration attemptTimeout(
      Optional<Duration> untilDeadline, int maxAttempts, Duration stepBudget) {
    Duration timeout = stepBudget.dividedBy(maxAttempts + 1L);
    if (timeout.compareTo(ATTEMPT_TIMEOUT) > 0) {
      timeout = ATTEMPT_TIMEOUT;
    }
    if (untilDeadline.isPresent() && untilDeadline.get().compareTo(timeout) < 0) {
      timeout = untilDeadline.get();
    }
    return timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout;
  }

  /**
   * Runs the agent on a command: an {@link IllegalArgumentException} is the agent saying that the
   * command's input can never succeed ({@link Agent#act}), so the command is poison.
   */
  private static StepRunner.Ran runAgent(Supplier<StepRunner.Ran> run) {
    try {
      return run.get();
    } catch (IllegalArgumentException e) {
      throw PoisonRecordException.rejected(e);
    }
  }

  private void checkType(String type) {
    if (!type.equals(agent.type())) {
      throw new PoisonRecordException(
          "command for agent type '" + type + "' on the topic of '" + agent.type() + "'");
    }
  }

  private static ConclaveRecords.RecordSource source(ConsumerRecord<?, ?> record) {
    return new ConclaveRecords.RecordSource(record.topic(), record.partition(), record.offset());
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> onCommitted(
      int partition, List<RecordMetadata> written) {
    AgentJournal<S> journal = journals.get(partition);
    return journal == null ? List.of() : records.snapshotIfDue(journal, written, clock.instant());
  }

  @Override
  public void onRevoked(int partition) {
    journals.remove(partition);
  }
}
