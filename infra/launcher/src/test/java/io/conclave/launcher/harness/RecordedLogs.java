package io.conclave.launcher.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.saga.SagaEvent;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.Eventually;
import io.conclave.testkit.StackClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** What the topics hold, read back read_committed for the tests' checks. */
public final class RecordedLogs {
  private RecordedLogs() {}

  /** A decision with where and when it was written. */
  public record Logged(long offset, Instant timestamp, Decision decision) {}

  /** Every saga event of every shard. */
  public static List<SagaEvent> sagaEvents(ConclaveSettings settings) {
    return all(
        settings,
        settings.topics().sagaEvents(),
        new ConclaveSerdes(settings.registry()).sagaEvent().deserializer());
  }

  /** Every record of a partitioned topic (tombstones left out), partition after partition. */
  public static <T> List<T> all(ConclaveSettings settings, String topic, Deserializer<T> reader) {
    return all(settings, topic, settings.partitions(), reader);
  }

  /**
   * Every record of a topic of {@code partitions} partitions (tombstones left out), partition after
   * partition.
   */
  public static <T> List<T> all(
      ConclaveSettings settings, String topic, int partitions, Deserializer<T> reader) {
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

  /**
   * Waits until the sagas of the tasks {@code <taskPrefix>0 .. <taskPrefix>(tasks-1)} have
   * completed, then checks that each started once, completed each of its three steps once, and
   * completed once.
   */
  public static void assertEverySagaRanOnce(
      ConclaveSettings settings, String taskPrefix, int tasks) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                sagaEvents(settings).stream().filter(e -> e instanceof SagaEvent.Completed).count()
                    >= tasks);
    List<SagaEvent> events = sagaEvents(settings);
    for (int i = 0; i < tasks; i++) {
      String sagaId = "saga-" + taskPrefix + i;
      List<SagaEvent> mine = events.stream().filter(e -> e.sagaId().equals(sagaId)).toList();
      assertThat(mine).as(sagaId).filteredOn(e -> e instanceof SagaEvent.Started).hasSize(1);
      assertThat(mine).as(sagaId).filteredOn(e -> e instanceof SagaEvent.StepCompleted).hasSize(3);
      assertThat(mine).as(sagaId).filteredOn(e -> e instanceof SagaEvent.Completed).hasSize(1);
    }
  }

  /**
   * Waits until the sagas of the tasks {@code <taskPrefix>0 .. <taskPrefix>(tasks-1)} have
   * completed, then checks that each started once, completed each of its three steps once, and
   * completed once.
   */
  public static void assertEverySagaRanOnce(StackClient client, String taskPrefix, int tasks) {
    Eventually.eventually(
        () ->
            assertThat(client.sagaEvents())
                .filteredOn(e -> e instanceof SagaEvent.Completed)
                .hasSizeGreaterThanOrEqualTo(tasks));
    List<SagaEvent> events = client.sagaEvents();
    for (int i = 0; i < tasks; i++) {
      String sagaId = "saga-" + taskPrefix + i;
      List<SagaEvent> mine = events.stream().filter(e -> e.sagaId().equals(sagaId)).toList();
      assertThat(mine).as(sagaId).filteredOn(e -> e instanceof SagaEvent.Started).hasSize(1);
      assertThat(mine).as(sagaId).filteredOn(e -> e instanceof SagaEvent.StepCompleted).hasSize(3);
      assertThat(mine).as(sagaId).filteredOn(e -> e instanceof SagaEvent.Completed).hasSize(1);
    }
  }

  /** Every decision of every agent, partition after partition. */
  public static List<Decision> allDecisions(ConclaveSettings settings) {
    return all(
        settings,
        settings.topics().decisions(),
        new ConclaveSerdes(settings.registry()).decision().deserializer());
  }

  /** The agent's decisions in the order of its partition of conclave.decisions. */
  public static List<Logged> decisionsOf(ConclaveSettings settings, String agentId) {
    String topic = settings.topics().decisions();
    var reader = new ConclaveSerdes(settings.registry()).decision().deserializer();
    List<Logged> out = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topic, Partitioning.of(agentId, settings.partitions()));
    TopicScan.scan(
        settings.kafka(),
        tp,
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
  public static List<LeaderElected> leaderships(ConclaveSettings settings) {
    return all(
        settings,
        settings.topics().leadership(),
        1,
        new ConclaveSerdes(settings.registry()).leaderElected().deserializer());
  }

  /** The latest LeaderElected of each shard, by shard, as far as every shard has one. */
  public static List<LeaderElected> latestLeaders(ConclaveSettings settings) {
    Map<Integer, LeaderElected> latest = new HashMap<>();
    for (LeaderElected e : leaderships(settings)) {
      latest.merge(e.shard(), e, (a, b) -> b.epoch() > a.epoch() ? b : a);
    }
    List<LeaderElected> out = new ArrayList<>();
    for (int shard = 0; shard < settings.partitions() && latest.containsKey(shard); shard++) {
      out.add(latest.get(shard));
    }
    return out;
  }
}
