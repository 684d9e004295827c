package io.conclave.runtime.records;

import io.conclave.model.cluster.BreakerStateChanged;
import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.RedrivenStep;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.AgentSnapshot;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.CompensateCommand;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaMoves;
import io.conclave.model.saga.StepCommand;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Builds the records Conclave writes, each on its topic with its key and partition
 * (docs/architecture.md, "Topics"). Serializers are made once; instances are thread-safe.
 */
public final class ConclaveRecords {
  private final ConclaveSettings settings;
  private final Serializer<TaskSubmission> tasks;
  private final Serializer<SagaEvent> sagaEvents;
  private final Serializer<Decision> decisions;
  private final Serializer<DecisionKey> decisionKeys;
  private final Serializer<StepCommand> commands;
  private final Serializer<CompensateCommand> compensations;
  private final Serializer<LeaderElected> leadership;
  private final Serializer<AgentSnapshot> snapshots;
  private final Serializer<RedrivenStep> shadow;
  private final Serializer<DeadLetter> deadLetters;
  private final Serializer<KnowledgeDelta> knowledge;
  private final Serializer<BreakerStateChanged> health;
  private final Serializer<RegisteredSaga> definitions;

  public ConclaveRecords(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.settings = settings;
    this.tasks = serdes.taskSubmission().serializer();
    this.sagaEvents = serdes.sagaEvent().serializer();
    this.decisions = serdes.decision().serializer();
    this.decisionKeys = serdes.decisionKey().serializer();
    this.commands = serdes.stepCommand().serializer();
    this.compensations = serdes.compensateCommand().serializer();
    this.leadership = serdes.leaderElected().serializer();
    this.snapshots = serdes.agentSnapshot().serializer();
    this.shadow = serdes.redrivenStep().serializer();
    this.deadLetters = serdes.deadLetter().serializer();
    this.knowledge = serdes.knowledgeDelta().serializer();
    this.health = serdes.breakerStateChanged().serializer();
    this.definitions = serdes.registeredSaga().serializer();
  }

  /**
   * Key of a saga event: {@code sagaId#seq}, unique per event so compaction keeps the whole
   * history.
   */
  public static String sagaEventKey(String sagaId, long seq) {
    return sagaId + "#" + seq;
  }

  public ProducerRecord<byte[], byte[]> task(TaskSubmission task) {
    String topic = settings.topics().tasks();
    return new ProducerRecord<>(topic, utf8(task.taskId()), tasks.serialize(topic, task));
  }

  /**
   * Partitioned by task id, i.e. by the task's shard: a saga's events stay in order, and the leader
   * of shard p finds every saga started on it in partition p.
   */
  public ProducerRecord<byte[], byte[]> sagaEvent(SagaEvent event) {
    String topic = settings.topics().sagaEvents();
    return new ProducerRecord<>(
        topic,
        Partitioning.of(event.taskId(), settings.partitions()),
        utf8(sagaEventKey(event.sagaId(), event.seq())),
        sagaEvents.serialize(topic, event));
  }

  /** Partitioned by agentId, so an agent's decisions stay in order. */
  public ProducerRecord<byte[], byte[]> decision(Decision decision) {
    String topic = settings.topics().decisions();
    return new ProducerRecord<>(
        topic,
        decisionPartition(decision.agentId()),
        decisionKeys.serialize(topic, decision.key()),
        decisions.serialize(topic, decision));
  }

  public int decisionPartition(String agentId) {
    return Partitioning.of(agentId, settings.partitions());
  }

  /**
   * Keyed by agentId, in the same partition as the agent's decisions; compaction keeps the latest
   * per agent.
   */
  public ProducerRecord<byte[], byte[]> snapshot(AgentSnapshot snapshot) {
    String topic = settings.topics().snapshots();
    return new ProducerRecord<>(
        topic,
        decisionPartition(snapshot.agentId()),
        utf8(snapshot.agentId()),
        snapshots.serialize(topic, snapshot));
  }

  /**
   * Keyed by knowledge key with the default partitioner, as Kafka Streams partitions a string key:
   * the projections merge a key's deltas in the partition's task without repartitioning. The
   * record's time is the update's.
   */
  public ProducerRecord<byte[], byte[]> knowledge(KnowledgeDelta delta) {
    String topic = settings.topics().knowledge();
    return new ProducerRecord<>(
        topic,
        null,
        delta.at().toEpochMilli(),
        utf8(delta.key()),
        knowledge.serialize(topic, delta));
  }

  /** Keyed by worker and breaker: compaction keeps each breaker's latest state. */
  public ProducerRecord<byte[], byte[]> breakerStateChanged(BreakerStateChanged changed) {
    String topic = settings.topics().agentHealth();
    return new ProducerRecord<>(topic, utf8(changed.key()), health.serialize(topic, changed));
  }

  /**
   * The tombstone of a breaker whose worker stopped ({@code key}: {@link
   * BreakerStateChanged#key()}): compaction then drops its reports, and readers forget it.
   */
  public ProducerRecord<byte[], byte[]> breakerGone(String key) {
    return new ProducerRecord<>(settings.topics().agentHealth(), utf8(key), null);
  }

  /** On the command topic of the agent type of the slip's current step, keyed by sagaId. */
  public ProducerRecord<byte[], byte[]> stepCommand(StepCommand command) {
    String topic = settings.topics().commands(command.step().agentType());
    return new ProducerRecord<>(
        topic, utf8(command.slip().sagaId()), commands.serialize(topic, command));
  }

  public ProducerRecord<byte[], byte[]> compensateCommand(CompensateCommand command) {
    String topic =
        settings
            .topics()
            .compensations(command.slip().steps().get(command.stepIndex()).agentType());
    return new ProducerRecord<>(
        topic, utf8(command.slip().sagaId()), compensations.serialize(topic, command));
  }

  /**
   * The snapshot of {@code journal}'s agent, if one is due, once a transaction that wrote its
   * decisions committed. {@code written} says where that transaction's records landed; every
   * decision in it must be the agent's (one journal per owned partition), so the last decision
   * written is the latest of the agent's log.
   */
  public List<ProducerRecord<byte[], byte[]>> snapshotIfDue(
      AgentJournal<?> journal, List<RecordMetadata> written, Instant now) {
    long last = -1;
    for (RecordMetadata m : written) {
      if (m.topic().equals(settings.topics().decisions())) {
        last = m.offset();
      }
    }
    if (last < 0) {
      return List.of();
    }
    return journal.committed(last, now).map(this::snapshot).map(List::of).orElse(List.of());
  }

  /**
   * The records of {@code moves}, in order: saga events, step commands, compensation commands, and
   * a dead letter for each parked compensation (citing the record that led to parking it, {@code
   * source}).
   */
  public List<ProducerRecord<byte[], byte[]>> moves(
      SagaMoves moves, RecordSource source, Instant now) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    moves.events().forEach(e -> out.add(sagaEvent(e)));
    moves.commands().forEach(c -> out.add(stepCommand(c)));
    moves.compensations().forEach(c -> out.add(compensateCommand(c)));
    for (CompensateCommand parked : moves.parked()) {
      String topic = settings.topics().deadLetters();
      String from = settings.topics().compensations(parked.step().agentType());
      DeadLetter letter =
          new DeadLetter(
              source.topic(),
              source.partition(),
              source.offset(),
              SagaEvent.CompensationParked.class.getName(),
              "compensation of step "
                  + parked.stepIndex()
                  + " of "
                  + parked.slip().sagaId()
                  + " failed "
                  + parked.attempt()
                  + " times; parked. Re-send it to "
                  + from
                  + " once fixed",
              utf8(parked.slip().sagaId()),
              compensations.serialize(from, parked),
              now);
      out.add(
          new ProducerRecord<>(
              topic, utf8(parked.slip().sagaId()), deadLetters.serialize(topic, letter)));
    }
    return out;
  }

  /** Where a record was read from. */
  public record RecordSource(String topic, int partition, long offset) {}

  /** On the shadow topic, keyed by sagaId: a re-run's output never reaches the real topics. */
  public ProducerRecord<byte[], byte[]> redrivenStep(RedrivenStep step) {
    String topic = settings.topics().shadow();
    return new ProducerRecord<>(topic, utf8(step.sagaId()), shadow.serialize(topic, step));
  }

  public ProducerRecord<byte[], byte[]> leaderElected(LeaderElected elected) {
    String topic = settings.topics().leadership();
    return new ProducerRecord<>(
        topic, utf8(Integer.toString(elected.shard())), leadership.serialize(topic, elected));
  }

  /** Keyed by name on the compacted definitions topic: it replaces the name's definition. */
  public ProducerRecord<byte[], byte[]> sagaDefinition(RegisteredSaga definition) {
    String topic = settings.topics().sagaDefinitions();
    return new ProducerRecord<>(
        topic, utf8(definition.name()), definitions.serialize(topic, definition));
  }

  /** The tombstone that removes the definition registered as {@code name}. */
  public ProducerRecord<byte[], byte[]> sagaDefinitionRemoved(String name) {
    String topic = settings.topics().sagaDefinitions();
    return new ProducerRecord<>(topic, utf8(name), null);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
