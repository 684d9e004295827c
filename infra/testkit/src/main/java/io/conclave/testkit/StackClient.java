package io.conclave.testkit;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What an IT does to an installation from the outside, the way a user would: submit tasks, send
 * records, and read back what the topics hold. Reads are {@code read_committed} and from the
 * beginning, so they see what a transaction committed and nothing it aborted. Waiting goes through
 * {@link Eventually}, with its one patience.
 *
 * <p>One producer per client, created with the settings' Kafka access; reads open a short-lived
 * consumer each. Thread-safe, as the Kafka producer is.
 */
public final class StackClient implements AutoCloseable {
  private final ConclaveSettings settings;
  private final ConclaveSerdes serdes;
  private final ConclaveRecords records;
  private final KafkaProducer<byte[], byte[]> producer;

  /** A client of the installation {@code settings} describe; its topics must exist. */
  public StackClient(ConclaveSettings settings) {
    this.settings = settings;
    this.serdes = new ConclaveSerdes(settings.registry());
    this.records = new ConclaveRecords(settings, serdes);
    this.producer = new KafkaProducer<>(ClientConfigs.producer(settings.kafka()));
  }

  public ConclaveSettings settings() {
    return settings;
  }

  public ConclaveSerdes serdes() {
    return serdes;
  }

  /** How records of each topic are keyed and serialized, for tests that send their own. */
  public ConclaveRecords records() {
    return records;
  }

  /** Submits a task with no plan of its own (the coordinator's planner plans it). */
  public RecordMetadata submit(String taskId, String prompt) {
    return submit(new TaskSubmission(taskId, prompt, Instant.now()));
  }

  /** Submits a task that brings its own saga. */
  public RecordMetadata submit(String taskId, String prompt, List<SagaStep> plan) {
    return submit(new TaskSubmission(taskId, prompt, Instant.now(), Optional.of(plan)));
  }

  /** Submits {@code task} to conclave.tasks and waits until the broker has it. */
  public RecordMetadata submit(TaskSubmission task) {
    return send(records.task(task));
  }

  /** Sends {@code record} and waits until the broker has it. */
  public RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
    try {
      return producer.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending to " + record.topic(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "the broker did not take a record for " + record.topic(), e.getCause());
    }
  }

  /** Every saga event of every shard, shard after shard. */
  public List<SagaEvent> sagaEvents() {
    return all(
        settings.topics().sagaEvents(), settings.partitions(), serdes.sagaEvent().deserializer());
  }

  /** The events of one saga, in the order of its shard. */
  public List<SagaEvent> sagaEvents(String sagaId) {
    return sagaEvents().stream().filter(e -> e.sagaId().equals(sagaId)).toList();
  }

  /** The saga folded from its events, if it has started. */
  public Optional<SagaState> saga(String sagaId) {
    List<SagaEvent> events = sagaEvents(sagaId);
    return events.isEmpty() ? Optional.empty() : Optional.of(SagaState.of(events));
  }

  /** Waits until the saga has started and {@code until} holds for it; returns it then. */
  public SagaState awaitSaga(String sagaId, Predicate<SagaState> until) {
    SagaState[] last = new SagaState[1];
    Eventually.eventually(
        () -> {
          last[0] = saga(sagaId).orElse(null);
          if (last[0] == null || !until.test(last[0])) {
            throw new AssertionError("saga " + sagaId + " is not there yet: " + last[0]);
          }
        });
    return last[0];
  }

  /** Waits until the saga has finished, whichever way; returns it then. */
  public SagaState awaitEnd(String sagaId) {
    return awaitSaga(sagaId, s -> s.status().isFinished());
  }

  /** Every dead letter, in the order of conclave.dead-letters. */
  public List<DeadLetter> deadLetters() {
    return all(settings.topics().deadLetters(), 1, serdes.deadLetter().deserializer());
  }

  /** Every decision of every agent, partition after partition. */
  public List<Decision> decisions() {
    return all(
        settings.topics().decisions(), settings.partitions(), serdes.decision().deserializer());
  }

  /** A decision with where and when it was written. */
  public record Logged(long offset, Instant timestamp, Decision decision) {}

  /** The agent's decisions in the order of its partition of conclave.decisions. */
  public List<Logged> decisionsOf(String agentId) {
    String topic = settings.topics().decisions();
    Deserializer<Decision> reader = serdes.decision().deserializer();
    List<Logged> out = new ArrayList<>();
    TopicScan.scan(
        settings.kafka(),
        new TopicPartition(topic, Partitioning.of(agentId, settings.partitions())),
        0,
        -1,
        r -> {
          if (r.value() != null) {
            Decision d = reader.deserialize(topic, r.value());
            if (d.agentId().equals(agentId)) {
              out.add(new Logged(r.offset(), Instant.ofEpochMilli(r.timestamp()), d));
            }
          }
        });
    return out;
  }

  /** Every leader announcement, in the order of conclave.leadership (one partition). */
  public List<LeaderElected> leaderships() {
    return all(settings.topics().leadership(), 1, serdes.leaderElected().deserializer());
  }

  /** The latest announcement of each shard, by shard, as far as every shard has one. */
  public List<LeaderElected> latestLeaders() {
    Map<Integer, LeaderElected> latest = new HashMap<>();
    for (LeaderElected e : leaderships()) {
      latest.merge(e.shard(), e, (a, b) -> b.epoch() > a.epoch() ? b : a);
    }
    List<LeaderElected> out = new ArrayList<>();
    for (int shard = 0; shard < settings.partitions() && latest.containsKey(shard); shard++) {
      out.add(latest.get(shard));
    }
    return out;
  }

  /**
   * Every record of a topic of {@code partitions} partitions, partition after partition, tombstones
   * left out.
   */
  public <T> List<T> all(String topic, int partitions, Deserializer<T> reader) {
    List<T> out = new ArrayList<>();
    try (TopicScan scan = new TopicScan(settings.kafka())) {
      for (int p = 0; p < partitions; p++) {
        scan.scan(
            new TopicPartition(topic, p),
            0,
            -1,
            r -> {
              if (r.value() != null) {
                out.add(reader.deserialize(topic, r.value()));
              }
            });
      }
    }
    return out;
  }

  @Override
  public void close() {
    producer.close();
  }
}
