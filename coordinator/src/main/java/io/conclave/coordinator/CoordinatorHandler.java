package io.conclave.coordinator;

import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.AgentIds;
import io.conclave.model.eventlog.Tally;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaMoves;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.ShardCheckpoint;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.logging.LogContext;
import io.conclave.runtime.logging.LogContext.Field;
import io.conclave.runtime.loop.PartitionHandler;
import io.conclave.runtime.loop.PoisonRecordException;
import io.conclave.runtime.readers.AgentLogs;
import io.conclave.runtime.readers.SagaDefinitionCatalog;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard leader's work on {@code conclave.tasks} and {@code conclave.saga-events}: owning
 * partition p (of both) makes this member the leader of shard p. It starts the sagas of the shard's
 * tasks and watches them ({@link SagaWatch}). Everything it needs is rebuilt from Kafka when it
 * takes a shard over (the shard's sagas from its latest checkpoint and the saga events after it,
 * the leader epoch, where its decision log ends), so a new leader continues exactly where the last
 * one committed, in a time that depends on the live sagas, not on the history.
 */
final class CoordinatorHandler implements PartitionHandler<Object>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorHandler.class);

  /**
   * The agent type of the shards' planners; its state is the tally of its decisions ({@link
   * PlannerFold}).
   */
  static final String PLANNER_TYPE = "planner";

  private final ConclaveSettings settings;
  private final ConclaveRecords records;
  private final AgentLogs logs;
  private final Deserializer<LeaderElected> leadershipReader;
  private final Deserializer<SagaEvent> sagaReader;
  private final TopicScan scan;
  private final SagaDefinitionCatalog definitions;
  private final Planner planner;
  private final TokenBudgets budgets;
  private final CheckpointPolicy checkpointing;
  private final Checkpoints checkpoints;
  private final Predicate<String> unavailable;
  private final Clock clock;
  private final String memberId;
  private final String host;
  private final Leadership leadership = new Leadership();
  private volatile List<ShardRole.Leader> led = List.of();
  private final Map<Integer, Shard> shards = new HashMap<>();

  /**
   * What the leader of one shard knows; derived from Kafka, never the source of truth. The
   * planner's state is the tally of its decisions: what matters of its log is where it ends.
   */
  private record Shard(
      LeaderStamp stamp, AgentJournal<Tally> planner, SagaWatch sagas, Progress progress) {}

  /**
   * How far the shard's saga events are folded, and the checkpoints written since the take-over.
   * Only the shard's loop thread touches it.
   */
  private static final class Progress {
    /** The first offset of the shard's saga events not folded. */
    long sagaEventsOffset;

    /** Events folded and sagas retired since the last checkpoint. */
    long changes;

    Instant lastCheckpoint;
    long nextId;

    /** Whether the checkpoints topic has the shard's partition. */
    final boolean checkpointing;

    Progress(long sagaEventsOffset, long nextId, Instant now, boolean checkpointing) {
      this.sagaEventsOffset = sagaEventsOffset;
      this.nextId = nextId;
      this.lastCheckpoint = now;
      this.checkpointing = checkpointing;
    }
  }

  /**
   * @param unavailable the agent types whose breakers are all open: their steps wait with the shard
   *     leader
   */
  CoordinatorHandler(
      ConclaveSettings settings,
      ConclaveSerdes serdes,
      Planner planner,
      TokenBudgets budgets,
      CheckpointPolicy checkpointing,
      Predicate<String> unavailable,
      Clock clock,
      String memberId,
      String host) {
    this.budgets = budgets;
    this.checkpointing = checkpointing;
    this.checkpoints = new Checkpoints(settings.topics().checkpoints(), serdes.shardCheckpoint());
    this.unavailable = unavailable;
    this.settings = settings;
    this.records = new ConclaveRecords(settings, serdes);
    this.logs = new AgentLogs(settings, serdes);
    this.leadershipReader = serdes.leaderElected().deserializer();
    this.sagaReader = serdes.sagaEvent().deserializer();
    this.scan = new TopicScan(settings.kafka());
    this.definitions = new SagaDefinitionCatalog(settings, serdes);
    this.planner = planner;
    this.clock = clock;
    this.memberId = memberId;
    this.host = host;
  }

  /**
   * Connects the state readers and resolves the schemas before this member is assigned anything, so
   * that a take-over does not wait for a cold client or the registry.
   */
  @Override
  public void warmUp() {
    scan.unsettled(() -> lastEpoch(0));
    logs.warmUp(plannerAgentId(0), Tally.FOLD);
  }

  @Override
  public void close() {
    scan.close();
    logs.close();
  }

  /** The shards this member leads, with their epochs (safe to read from any thread). */
  List<ShardRole.Leader> led() {
    return led;
  }

  /** The planner's agent id on a shard: its decisions form one ordered log per shard. */
  static String plannerAgentId(int shard) {
    return AgentIds.of(PLANNER_TYPE, shard);
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> onAssigned(int shard, Map<String, Long> committed) {
    // the loop has already fenced the previous leader (initTransactions), so the published epoch is
    // final the shard's announcements were all written under its transactional id, just fenced:
    // none of them is open, so the stable end holds them unless another shard's announcement is
    // open across ours (a window of milliseconds; the fencing itself is the producer's, the epoch
    // only stamps what a leader wrote)
    long[] last = {0};
    scan.unsettled(() -> last[0] = lastEpoch(shard));
    long epoch = leadership.onAssigned(shard, last[0], clock.instant()).epoch();
    led = leadership.led();
    String agentId = plannerAgentId(shard);
    FoldedLog<Tally> planner = logs.current(agentId, Tally.FOLD);
    LeaderStamp stamp = new LeaderStamp(shard, epoch);
    Shard state =
        sagas(stamp, new AgentJournal<>(agentId, Tally.FOLD, planner, settings.snapshotEvery()));
    shards.put(shard, state);
    ShardSagas sagas = state.sagas().sagas();
    log.info(
        "leader of shard {} with epoch {} ({} sagas running, {} ended within the retention)",
        shard,
        epoch,
        sagas.runningCount(),
        sagas.endedCount());
    return List.of(
        records.leaderElected(new LeaderElected(shard, epoch, memberId, host, clock.instant())));
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> handle(
      ConsumerRecord<byte[], byte[]> record, Object value) {
    Shard shard = shards.get(record.partition());
    String taskId =
        value instanceof SagaEvent e
            ? e.taskId()
            : value instanceof TaskSubmission t ? t.taskId() : null;
    // a saga's id follows from its task's: a task's lines name the saga it starts
    try (var fields =
        logFields(shard.stamp())
            .with(Field.TASK, taskId)
            .with(Field.SAGA, taskId == null ? null : TaskIntake.sagaIdOf(taskId))) {
      return handle(shard, record, value);
    }
  }

  /** The shard and epoch on the lines about a shard. */
  private static LogContext logFields(LeaderStamp stamp) {
    return LogContext.open().with(Field.SHARD, stamp.shard()).with(Field.EPOCH, stamp.epoch());
  }

  private List<ProducerRecord<byte[], byte[]>> handle(
      Shard shard, ConsumerRecord<byte[], byte[]> record, Object value) {
    if (value instanceof SagaEvent event) {
      if (record.offset() < shard.progress().sagaEventsOffset) {
        return List
            .of(); // folded by the take-over already: the group's offset there lags the checkpoint
      }
      shard.progress().sagaEventsOffset = record.offset() + 1;
      shard.progress().changes++;
      // a saga's decider rejects an event that cannot follow what it folded: the event is malformed
      return PoisonRecordException.ifRejected(
          () -> shard.sagas().onEvent(event, source(record), clock.instant()));
    }
    if (!(value instanceof TaskSubmission task)) {
      throw new PoisonRecordException("not a task: " + value.getClass().getName());
    }
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    if (!task.taskId().equals(key)) {
      throw new PoisonRecordException(
          "record key '" + key + "' is not the task id '" + task.taskId() + "'");
    }
    if (shard.sagas().isStarted(task.taskId())) {
      log.info("task {} submitted again; its saga already exists, ignoring", task.taskId());
      return List.of();
    }
    // a task that cannot be planned, or whose plan breaks a saga's rules or names an agent type the
    // installation does not run, is refused: its saga ends at once and says why, and the refusal
    // is the planner's decision
    Planning planning =
        TaskPlanning.plan(task, planner, () -> definitions.all(scan), settings.agentTypes());
    Instant now = clock.instant();
    TaskIntake.SagaStart start;
    if (planning instanceof Planning.Refused refusal) {
      start =
          PoisonRecordException.ifRejected(
              () -> TaskIntake.refusePlanning(task, refusal, shard.stamp(), shard.planner(), now));
      // a client's mistake, not the installation's: one line, no stack trace
      log.info("task {} refused by the planning: {}", task.taskId(), refusal.reason());
    } else {
      start = begin(task, (Planning.Planned) planning, shard, now);
    }
    SagaMoves moves = shard.sagas().holding(start.moves(), now);
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    start.decisions().forEach(d -> out.add(records.decision(d)));
    out.addAll(records.moves(moves, source(record), now));
    moves.events().forEach(e -> shard.sagas().replay(e, source(record)));
    shard.progress().changes += moves.events().size();
    return out;
  }

  /** The saga of a planned task, or its refusal if its tenant has no budget left for it. */
  private TaskIntake.SagaStart begin(
      TaskSubmission task, Planning.Planned planned, Shard shard, Instant now) {
    List<SagaStep> plan = planned.steps();
    TenantEscrow.Grant grant = shard.sagas().grant(task.tenant());
    if (grant instanceof TenantEscrow.Grant.Refused refused) {
      // a plan the routing slip rejects (a bad input placeholder, no step) is the task's poison
      TaskIntake.SagaStart start =
          PoisonRecordException.ifRejected(
              () ->
                  TaskIntake.refuse(
                      task,
                      plan,
                      planned.recorded(),
                      shard.stamp(),
                      shard.planner(),
                      refused.reason(),
                      now));
      log.info("task {} refused: {}", task.taskId(), refused.reason());
      return start;
    }
    var granted = (TenantEscrow.Grant.Granted) grant;
    TaskIntake.SagaStart start =
        PoisonRecordException.ifRejected(
            () ->
                TaskIntake.start(
                    task,
                    plan,
                    planned.recorded(),
                    shard.stamp(),
                    shard.planner(),
                    granted.spending(),
                    now));
    // the normal case, at hundreds a second: the saga's events record it
    log.debug(
        "task {} planned as {} (shard {}, epoch {}{})",
        task.taskId(),
        start.started().sagaId(),
        shard.stamp().shard(),
        shard.stamp().epoch(),
        granted.spending().budget().isPresent()
            ? ", tenant "
                + task.tenant()
                + ", "
                + granted.spending().budget().getAsLong()
                + " tokens"
            : "");
    return start;
  }

  /**
   * What is due by the clock, then the sagas retired and, when due, a checkpoint of what all that
   * left.
   */
  @Override
  public List<ProducerRecord<byte[], byte[]>> tick(int shard) {
    Shard state = shards.get(shard);
    if (state == null) {
      return List.of();
    }
    try (var fields = logFields(state.stamp())) {
      return tick(shard, state);
    }
  }

  private List<ProducerRecord<byte[], byte[]>> tick(int shard, Shard state) {
    Instant now = clock.instant();
    List<ProducerRecord<byte[], byte[]>> due = state.sagas().tick(now);
    ShardSagas sagas = state.sagas().sagas();
    Progress progress = state.progress();
    // what the tick decided is folded already: it changes the state the checkpoint holds
    progress.changes += due.size() + sagas.retire(now);
    if (!progress.checkpointing
        || !checkpointing.due(
            progress.changes, sagas.size(), Duration.between(progress.lastCheckpoint, now))) {
      return due;
    }
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(due);
    out.addAll(
        checkpoints.records(
            sagas.checkpoint(
                shard, state.stamp().epoch(), progress.nextId, now, progress.sagaEventsOffset)));
    progress.nextId++;
    progress.changes = 0;
    progress.lastCheckpoint = now;
    return out;
  }

  private static ConclaveRecords.RecordSource source(ConsumerRecord<?, ?> record) {
    return new ConclaveRecords.RecordSource(record.topic(), record.partition(), record.offset());
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> onCommitted(int shard, List<RecordMetadata> written) {
    Shard state = shards.get(shard);
    return state == null
        ? List.of()
        : records.snapshotIfDue(state.planner(), written, clock.instant());
  }

  @Override
  public void onRevoked(int shard) {
    leadership.onRevoked(shard);
    led = leadership.led();
    if (shards.remove(shard) != null) {
      log.info("no longer leader of shard {}", shard);
    }
  }

  @Override
  public void onLost(int shard) {
    leadership.onLost(shard);
    led = leadership.led();
    if (shards.remove(shard) != null) {
      log.info("lost the leadership of shard {}", shard);
    }
  }

  /**
   * The shard's sagas: its latest checkpoint, then the fold of its partition of
   * conclave.saga-events from the offset the checkpoint covers (from the partition's start if it
   * has none). To the partition's end, not just to the committed offset: what the last leader wrote
   * for an event (a join, a step it failed) lies after the event, past the offset it committed with
   * it, and deciding on less would decide it again. The events from the committed offset on are
   * then consumed once more, which changes nothing (the fold is idempotent). SagaStarted events are
   * written in the transaction that commits the task's offset, so they are exactly the tasks
   * earlier leaders handled; and they do not depend on the tasks' committed offset, so a replay of
   * the tasks topic (a group reset) starts no saga twice within the retention.
   */
  private Shard sagas(LeaderStamp stamp, AgentJournal<Tally> planner) {
    String topic = settings.topics().sagaEvents();
    var escrow = new TenantEscrow(budgets, stamp.shard(), settings.partitions());
    Optional<ShardCheckpoint> checkpoint = checkpoints.latest(scan, stamp.shard());
    ShardSagas sagas =
        checkpoint
            .map(c -> ShardSagas.restore(c, checkpointing.retention().sagas(), escrow))
            .orElseGet(() -> new ShardSagas(checkpointing.retention().sagas(), escrow));
    long from = checkpoint.map(ShardCheckpoint::sagaEventsOffset).orElse(0L);
    var watch =
        new SagaWatch(
            stamp,
            settings.deadlineGrace(),
            records,
            new ConclaveRecords.RecordSource(topic, stamp.shard(), from),
            sagas,
            unavailable);
    TopicPartition tp = new TopicPartition(topic, stamp.shard());
    long end = scan.endOffset(tp);
    long[] tail = {0};
    scan.scan(
        tp,
        from,
        end,
        r -> {
          tail[0]++;
          if (r.value() == null) {
            return;
          }
          try {
            watch.replay(
                sagaReader.deserialize(topic, r.value()),
                new ConclaveRecords.RecordSource(topic, r.partition(), r.offset()));
          } catch (RuntimeException e) {
            // a take-over that skipped what it could not read for want of the registry would forget
            // sagas in flight
            SchemaRegistryUnavailableException.rethrowIfIn(e);
            // the loop dead-lettered it when it was consumed
            log.debug("unreadable saga event at offset {}: {}", r.offset(), e.toString());
          }
        });
    Instant now = clock.instant();
    watch.afterRebuild(now);
    log.info(
        "shard {}: {} and {} saga events after it",
        stamp.shard(),
        checkpoint
            .map(
                c ->
                    "checkpoint "
                        + c.id()
                        + " of "
                        + c.at()
                        + " (offset "
                        + c.sagaEventsOffset()
                        + ")")
            .orElse("no checkpoint"),
        tail[0]);
    // a take-over that read a long tail writes a checkpoint at its first tick, so the next one
    // reads less
    boolean available = checkpoints.available(scan, stamp.shard());
    if (!available) {
      log.warn(
          "shard {}: {} has no partition {}, so no checkpoint is written and a take-over reads the shard's saga "
              + "events from their start; run 'conclave topics create'",
          stamp.shard(),
          settings.topics().checkpoints(),
          stamp.shard());
    }
    Progress progress =
        new Progress(
            Math.max(from, end), checkpoint.map(c -> c.id() + 1).orElse(0L), now, available);
    progress.changes = tail[0];
    return new Shard(stamp, planner, watch, progress);
  }

  private long lastEpoch(int shard) {
    String topic = settings.topics().leadership();
    long[] last = {0};
    scan.scan(
        new TopicPartition(topic, 0),
        0,
        -1,
        r -> {
          if (r.value() == null) {
            return;
          }
          try {
            LeaderElected e = leadershipReader.deserialize(topic, r.value());
            if (e.shard() == shard) {
              last[0] = Math.max(last[0], e.epoch());
            }
          } catch (RuntimeException e) {
            // skipping it for want of the registry could announce an epoch already used
            SchemaRegistryUnavailableException.rethrowIfIn(e);
            log.warn("unreadable leadership record at offset {}: {}", r.offset(), e.toString());
          }
        });
    return last[0];
  }
}
