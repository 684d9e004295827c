package io.conclave.coordinator;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.ShardCheckpoint;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A take-over reads the shard's latest checkpoint and the events after it, not the shard's history:
 * the saga events a checkpoint covers are deleted from the topic, and the next leader still knows
 * every running saga and refuses their task ids when they are submitted again.
 */
@ExtendWith(ConclaveStackExtension.class)
class ShardCheckpointIT {
  private static final CheckpointPolicy OFTEN =
      new CheckpointPolicy(new SagaRetention(Duration.ofHours(1)), Duration.ofMillis(200));

  @Test
  void aNewLeaderContinuesFromTheCheckpointWithoutTheHistoryItCovers(ConclaveStack stack)
      throws Exception {
    // Given: A leads every shard and starts 24 sagas; no worker runs, so they all stay running
    ConclaveSettings settings = stack.isolated("checkpoint");
    try (StackClient client = new StackClient(settings)) {
      ConclaveSerdes serdes = client.serdes();
      List<String> first = IntStream.range(0, 24).mapToObj(i -> "cp-" + i).toList();
      Map<Integer, ShardCheckpoint> covering;
      try (Coordinator a =
          new Coordinator(
                  settings, new OfflinePlanner(), TokenBudgets.NONE, OFTEN, Clock.systemUTC())
              .start()) {
        eventually(() -> assertThat(a.ledShards()).hasSize(settings.partitions()));
        submit(client, first);
        eventually(() -> assertThat(started(client).keySet()).containsAll(first));

        // ... and checkpoints each shard: its latest checkpoint holds the start of each of the
        // shard's sagas, and its offset is past them (a checkpoint written in the transaction that
        // writes a start holds it, but its offset is what the leader had read, before it)
        Map<String, Long> startOffsets = startOffsets(settings, serdes);
        eventually(
            () -> {
              Map<Integer, ShardCheckpoint> latest = latest(settings, serdes);
              for (String task : first) {
                ShardCheckpoint c = latest.get(shard(settings, task));
                assertThat(c).as("the checkpoint of the shard of " + task).isNotNull();
                assertThat(c.sagaEventsOffset()).as(task).isGreaterThan(startOffsets.get(task));
                assertThat(c.live())
                    .as(task)
                    .anyMatch(e -> e instanceof SagaEvent.Started s && s.taskId().equals(task));
              }
            });
        covering = latest(settings, serdes);
      }

      // When: the history the checkpoints cover is gone from the topic, the same tasks are
      // submitted again with new ones, and B takes the shards over
      Map<TopicPartition, RecordsToDelete> truncate = new HashMap<>();
      covering.forEach(
          (shard, c) ->
              truncate.put(
                  new TopicPartition(settings.topics().sagaEvents(), shard),
                  RecordsToDelete.beforeOffset(c.sagaEventsOffset())));
      stack.admin().deleteRecords(truncate).all().get(30, TimeUnit.SECONDS);
      assertThat(started(client).keySet())
          .as("the starts the checkpoints cover are gone")
          .doesNotContainAnyElementsOf(first);
      List<String> more = IntStream.range(0, 6).mapToObj(i -> "cp-new-" + i).toList();
      List<String> all = new ArrayList<>(first);
      all.addAll(more);
      submit(client, all);
      try (Coordinator b =
          new Coordinator(
                  settings, new OfflinePlanner(), TokenBudgets.NONE, OFTEN, Clock.systemUTC())
              .start()) {
        eventually(() -> assertThat(started(client).keySet()).containsAll(more));

        // Then: B's own checkpoints hold every running saga, though it could only know the first
        // ones from A's
        eventually(
            () -> {
              Map<Integer, ShardCheckpoint> latest = latest(settings, serdes);
              Set<String> live =
                  latest.values().stream()
                      .flatMap(c -> c.live().stream())
                      .filter(e -> e instanceof SagaEvent.Started)
                      .map(SagaEvent::taskId)
                      .collect(Collectors.toSet());
              assertThat(latest.values())
                  .allSatisfy(
                      c -> assertThat(c.epoch()).isGreaterThan(covering.get(c.shard()).epoch()));
              assertThat(live).containsAll(all);
            });
        // a leader that did not know the first sagas would have started them again
        assertThat(started(client))
            .containsOnlyKeys(more)
            .allSatisfy((task, n) -> assertThat(n).isEqualTo(1));
        assertThat(b.ledShards()).hasSize(settings.partitions());
      }
    }
  }

  private static int shard(ConclaveSettings settings, String task) {
    return Partitioning.of(task, settings.partitions());
  }

  private static void submit(StackClient client, List<String> tasks) {
    for (String task : tasks) {
      client.submit(task, "why " + task + "?");
    }
  }

  /**
   * How many SagaStarted events each task has on the saga-events topic (what is still there of it).
   */
  private static Map<String, Integer> started(StackClient client) {
    Map<String, Integer> out = new HashMap<>();
    for (SagaEvent e : client.sagaEvents()) {
      if (e instanceof SagaEvent.Started s) {
        out.merge(s.taskId(), 1, Integer::sum);
      }
    }
    return out;
  }

  /** The offset of each task's (last) start on its shard's partition of conclave.saga-events. */
  private static Map<String, Long> startOffsets(ConclaveSettings settings, ConclaveSerdes serdes) {
    String topic = settings.topics().sagaEvents();
    var reader = serdes.sagaEvent().deserializer();
    Map<String, Long> out = new HashMap<>();
    for (int p = 0; p < settings.partitions(); p++) {
      TopicScan.scan(
          settings.kafka(),
          new TopicPartition(topic, p),
          0,
          -1,
          r -> {
            if (reader.deserialize(topic, r.value()) instanceof SagaEvent.Started s) {
              out.merge(s.taskId(), r.offset(), Math::max);
            }
          });
    }
    return out;
  }

  private static Map<Integer, ShardCheckpoint> latest(
      ConclaveSettings settings, ConclaveSerdes serdes) {
    var checkpoints = new Checkpoints(settings.topics().checkpoints(), serdes.shardCheckpoint());
    Map<Integer, ShardCheckpoint> out = new HashMap<>();
    try (TopicScan scan = new TopicScan(settings.kafka())) {
      for (int p = 0; p < settings.partitions(); p++) {
        int shard = p;
        checkpoints.latest(scan, p).ifPresent(c -> out.put(shard, c));
      }
    }
    return out;
  }
}
