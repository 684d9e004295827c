package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaEvent;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.GroupTimings;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A zombie leader: coordinator A stops polling in the middle of a task (its planner hangs) while
 * its producer lives on. The group moves the shard to B, whose transactional producer, bound to the
 * same shard, fences A. When A wakes up and tries to commit, it is fenced: its writes never become
 * visible, and it steps down instead of crashing.
 */
@ExtendWith(ConclaveStackExtension.class)
class LeaderFencingIT {
  @Test
  void aPausedLeaderIsFencedByItsSuccessorAndStepsDown(ConclaveStack stack) throws Exception {
    // Given: A leads every shard; its planner hangs on the first task; A leaves the group 3 s after
    // it stops polling
    ConclaveSettings settings = stack.isolated("fencing");
    CountDownLatch planning = new CountDownLatch(1);
    CountDownLatch wakeUp = new CountDownLatch(1);
    Planner hanging =
        task -> {
          planning.countDown();
          awaitQuietly(wakeUp);
          return new OfflinePlanner().plan(task);
        };
    ConclaveSettings zombieSettings =
        settings.withGroups(GroupTimings.defaults().withMaxPollInterval(Duration.ofSeconds(3)));
    try (Coordinator a = new Coordinator(zombieSettings, hanging, Clock.systemUTC()).start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> a.ledShards().size() == settings.partitions());
      String taskId = "fenced-task";
      int shard = Partitioning.of(taskId, settings.partitions());
      submit(
          settings,
          new TaskSubmission(taskId, "What happens to a zombie?", Clock.systemUTC().instant()));
      assertThat(planning.await(60, TimeUnit.SECONDS)).as("A started planning").isTrue();
      long epochOfA = lastLeader(settings, shard).epoch();

      // When: B joins, the group drops the silent A, B takes the shard over and plans the task
      // itself
      try (Coordinator b =
          new Coordinator(settings, new OfflinePlanner(), Clock.systemUTC()).start()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> startedEvents(settings, "saga-" + taskId).size() == 1);
        LeaderElected successor = lastLeader(settings, shard);
        assertThat(successor.epoch()).isGreaterThan(epochOfA);
        assertThat(successor.memberId())
            .isNotEqualTo(leaderAt(settings, shard, epochOfA).memberId());

        // ... and A wakes up and tries to finish its transaction
        wakeUp.countDown();

        // Then: A is fenced and steps down from its epoch (it may lead again later, with a new
        // epoch); nothing it wrote is visible; it is still running, not crashed
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    a.leaders().stream()
                        .noneMatch(l -> l.shard() == shard && l.epoch() == epochOfA));
        List<SagaEvent.Started> started = startedEvents(settings, "saga-" + taskId);
        assertThat(started).hasSize(1);
        assertThat(started.get(0).leader().epoch()).isEqualTo(successor.epoch());
        assertThat(a.done()).as("A handled the fence by stepping down").isNotDone();
        assertThat(epochsOf(settings, shard)).isSorted().doesNotHaveDuplicates();
      }
    } finally {
      wakeUp.countDown();
    }
  }

  private static void submit(ConclaveSettings settings, TaskSubmission task) throws Exception {
    var records = new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()));
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
      producer.send(records.task(task)).get(30, TimeUnit.SECONDS);
    }
  }

  /** SagaStarted events of the saga, as read_committed consumers see them. */
  private static List<SagaEvent.Started> startedEvents(ConclaveSettings settings, String sagaId) {
    String topic = settings.topics().sagaEvents();
    var reader = new ConclaveSerdes(settings.registry()).sagaEvent().deserializer();
    List<SagaEvent.Started> out = new ArrayList<>();
    int partition =
        Partitioning.of(
            sagaId.substring("saga-".length()), settings.partitions()); // the task's shard
    TopicScan.scan(
        settings.kafka(),
        new TopicPartition(topic, partition),
        0,
        -1,
        r -> {
          SagaEvent e = reader.deserialize(topic, r.value());
          if (e instanceof SagaEvent.Started s && s.sagaId().equals(sagaId)) {
            out.add(s);
          }
        });
    return out;
  }

  private static List<LeaderElected> announcements(ConclaveSettings settings, int shard) {
    String topic = settings.topics().leadership();
    var reader = new ConclaveSerdes(settings.registry()).leaderElected().deserializer();
    List<LeaderElected> out = new ArrayList<>();
    TopicScan.scan(
        settings.kafka(),
        new TopicPartition(topic, 0),
        0,
        -1,
        r -> {
          LeaderElected e = reader.deserialize(topic, r.value());
          if (e.shard() == shard) {
            out.add(e);
          }
        });
    return out;
  }

  private static LeaderElected lastLeader(ConclaveSettings settings, int shard) {
    List<LeaderElected> all = announcements(settings, shard);
    return all.get(all.size() - 1);
  }

  private static LeaderElected leaderAt(ConclaveSettings settings, int shard, long epoch) {
    return announcements(settings, shard).stream()
        .filter(e -> e.epoch() == epoch)
        .findFirst()
        .orElseThrow();
  }

  private static List<Long> epochsOf(ConclaveSettings settings, int shard) {
    return announcements(settings, shard).stream().map(LeaderElected::epoch).toList();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
