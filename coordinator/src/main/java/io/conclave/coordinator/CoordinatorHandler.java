package io.conclave.coordinator;

import io.conclave.core.AgentIds;
import io.conclave.core.AgentJournal;
import io.conclave.core.FoldedLog;
import io.conclave.core.LeaderElected;
import io.conclave.core.LeaderStamp;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaMoves;
import io.conclave.core.Tally;
import io.conclave.core.TaskSubmission;
import io.conclave.kafka.AgentLogs;
import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.PoisonRecordException;
import io.conclave.kafka.TopicScan;
import io.conclave.kafka.TransactionalPartitionLoop;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import io.conclave.core.SagaDefinition;
import io.conclave.core.SagaStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard leader's work on {@code conclave.tasks} and {@code conclave.saga-events}: owning partition p (of both)
 * makes this member the leader of shard p. It starts the sagas of the shard's tasks and watches them
 * ({@link SagaWatch}). Everything it needs is rebuilt from Kafka when it takes a shard over (the shard's sagas, the
 * leader epoch, where its decision log ends), so a new leader continues exactly where the last one committed.
 */
final class CoordinatorHandler implements TransactionalPartitionLoop.Handler<Object>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorHandler.class);
  /** The agent type of the shards' planners; its state is the tally of its decisions ({@link PlannerFold}). */
  static final String PLANNER_TYPE = "planner";

  private final ConclaveSettings settings;
  private final ConclaveRecords records;
  private final AgentLogs logs;
  private final Deserializer<LeaderElected> leadershipReader;
  private final Deserializer<SagaEvent> sagaReader;
  private final TopicScan scan;
  private final Planner planner;
  private final TokenBudgets budgets;
  private final Predicate<String> unavailable;
  private final Clock clock;
  private final String memberId;
  private final String host;
  private final Leadership leadership = new Leadership();
  private volatile List<ShardRole.Leader> led = List.of();
  private final Map<Integer, Shard> shards = new HashMap<>();

  /**
   * What the leader of one shard knows; derived from Kafka, never the source of truth. The planner's state is the
   * tally of its decisions: what matters of its log is where it ends.
   */
  private record Shard(LeaderStamp stamp, AgentJournal<Tally> planner, SagaWatch sagas) {}

  /** @param unavailable the agent types whose breakers are all open: their steps wait with the shard leader */
  CoordinatorHandler(ConclaveSettings settings, ConclaveSerdes serdes, Planner planner, TokenBudgets budgets,
                     Predicate<String> unavailable, Clock clock, String memberId, String host) {
    this.budgets = budgets;
    this.unavailable = unavailable;
    this.settings = settings;
    this.records = new ConclaveRecords(settings, serdes);
    this.logs = new AgentLogs(settings, serdes);
    this.leadershipReader = serdes.leaderElected().deserializer();
    this.sagaReader = serdes.sagaEvent().deserializer();
    this.scan = new TopicScan(settings.kafka());
    this.planner = planner;
    this.clock = clock;
    this.memberId = memberId;
    this.host = host;
  }

  /**
   * Connects the state readers and resolves the schemas before this member is assigned anything, so that a take-over
   * does not wait for a cold client or the registry.
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
    // the loop has already fenced the previous leader (initTransactions), so the published epoch is final
    // the shard's announcements were all written under its transactional id, just fenced: none of them is open, so
    // the stable end holds them unless another shard's announcement is open across ours (a window of milliseconds;
    // the fencing itself is the producer's, the epoch only stamps what a leader wrote)
    long[] last = {0};
    scan.unsettled(() -> last[0] = lastEpoch(shard));
    long epoch = leadership.onAssigned(shard, last[0], clock.instant()).epoch();
    led = leadership.led();
    String agentId = plannerAgentId(shard);
    FoldedLog<Tally> planner = logs.current(agentId, Tally.FOLD);
    LeaderStamp stamp = new LeaderStamp(shard, epoch);
    Shard state = new Shard(stamp, new AgentJournal<>(agentId, Tally.FOLD, planner, settings.snapshotEvery()),
        sagas(stamp));
    shards.put(shard, state);
    log.info("leader of shard {} with epoch {} ({} sagas started, {} running)", shard, epoch, state.sagas().started(),
        state.sagas().running());
    return List.of(records.leaderElected(new LeaderElected(shard, epoch, memberId, host, clock.instant())));
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> record, Object value) {
    Shard shard = shards.get(record.partition());
    if (value instanceof SagaEvent event) {
      return shard.sagas().onEvent(event, source(record), clock.instant());
    }
    if (!(value instanceof TaskSubmission task)) {
      throw new PoisonRecordException("not a task: " + value.getClass().getName());
    }
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    if (!task.taskId().equals(key)) {
      throw new PoisonRecordException("record key '" + key + "' is not the task id '" + task.taskId() + "'");
    }
    if (shard.sagas().isStarted(task.taskId())) {
      log.info("task {} submitted again; its saga already exists, ignoring", task.taskId());
      return List.of();
    }
    List<SagaStep> plan = task.plan().orElseGet(() -> planner.plan(task));
    // an IllegalArgumentException sends the task to the dead-letter topic with this message
    SagaDefinition.requireKnownAgentTypes(plan, settings.agentTypes());
    Instant now = clock.instant();
    TaskIntake.SagaStart start;
    TenantEscrow.Grant grant = shard.sagas().grant(task.tenant());
    if (grant instanceof TenantEscrow.Grant.Refused refused) {
      start = TaskIntake.refuse(task, plan, shard.stamp(), shard.planner(), refused.reason(), now);
      log.info("task {} refused: {}", task.taskId(), refused.reason());
    } else {
      var granted = (TenantEscrow.Grant.Granted) grant;
      start = TaskIntake.start(task, plan, shard.stamp(), shard.planner(), granted.spending(), now);
      log.info("task {} planned as {} (shard {}, epoch {}{})", task.taskId(), start.started().sagaId(),
          shard.stamp().shard(), shard.stamp().epoch(), granted.spending().budget().isPresent()
              ? ", tenant " + task.tenant() + ", " + granted.spending().budget().getAsLong() + " tokens" : "");
    }
    SagaMoves moves = shard.sagas().holding(start.moves(), now);
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    out.add(records.decision(start.decision()));
    out.addAll(records.moves(moves, source(record), now));
    moves.events().forEach(e -> shard.sagas().replay(e, source(record)));
    return out;
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> tick(int shard) {
    Shard state = shards.get(shard);
    return state == null ? List.of() : state.sagas().tick(clock.instant());
  }

  private static ConclaveRecords.RecordSource source(ConsumerRecord<?, ?> record) {
    return new ConclaveRecords.RecordSource(record.topic(), record.partition(), record.offset());
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> onCommitted(int shard, List<RecordMetadata> written) {
    Shard state = shards.get(shard);
    return state == null ? List.of() : records.snapshotIfDue(state.planner(), written, clock.instant());
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
   * The shard's sagas: the fold of its whole partition of conclave.saga-events. To its end, not just to the committed
   * offset: what the last leader wrote for an event (a join, a step it failed) lies after the event, past the offset
   * it committed with it, and deciding on less would decide it again. The events from the committed offset on are
   * then consumed once more, which changes nothing (the fold is idempotent). SagaStarted events are written in the transaction that commits the task's offset, so they
   * are exactly the tasks earlier leaders handled; and they do not depend on the tasks' committed offset, so a replay
   * of the tasks topic (a group reset) starts no saga twice.
   */
  private SagaWatch sagas(LeaderStamp stamp) {
    String topic = settings.topics().sagaEvents();
    var watch = new SagaWatch(stamp, settings.deadlineGrace(), records,
        new ConclaveRecords.RecordSource(topic, stamp.shard(), 0),
        new TenantEscrow(budgets, stamp.shard(), settings.partitions()), unavailable);
    scan.scan(new TopicPartition(topic, stamp.shard()), 0, -1, r -> {
      if (r.value() == null) {
        return;
      }
      try {
        watch.replay(sagaReader.deserialize(topic, r.value()),
            new ConclaveRecords.RecordSource(topic, r.partition(), r.offset()));
      } catch (RuntimeException e) {
        // a take-over that skipped what it could not read for want of the registry would forget sagas in flight
        SchemaRegistryUnavailableException.rethrowIfIn(e);
        // the loop dead-lettered it when it was consumed
        log.debug("unreadable saga event at offset {}: {}", r.offset(), e.toString());
      }
    });
    watch.afterRebuild(clock.instant());
    return watch;
  }

  private long lastEpoch(int shard) {
    String topic = settings.topics().leadership();
    long[] last = {0};
    scan.scan(new TopicPartition(topic, 0), 0, -1, r -> {
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
