package io.conclave.coordinator;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.saga.SagaEvent;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.GroupTimings;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    try (StackClient client = new StackClient(settings);
        Coordinator a = new Coordinator(zombieSettings, hanging, Clock.systemUTC()).start()) {
      eventually(() -> assertThat(a.ledShards()).hasSize(settings.partitions()));
      String taskId = "fenced-task";
      int shard = Partitioning.of(taskId, settings.partitions());
      client.submit(taskId, "What happens to a zombie?");
      assertThat(planning.await(60, TimeUnit.SECONDS)).as("A started planning").isTrue();
      long epochOfA = lastLeader(client, shard).epoch();

      // When: B joins, the group drops the silent A, B takes the shard over and plans the task
      // itself
      try (Coordinator b =
          new Coordinator(settings, new OfflinePlanner(), Clock.systemUTC()).start()) {
        eventually(() -> assertThat(startedEvents(client, "saga-" + taskId)).hasSize(1));
        LeaderElected successor = lastLeader(client, shard);
        assertThat(successor.epoch()).isGreaterThan(epochOfA);
        assertThat(successor.memberId()).isNotEqualTo(leaderAt(client, shard, epochOfA).memberId());

        // ... and A wakes up and tries to finish its transaction
        wakeUp.countDown();

        // Then: A is fenced and steps down from its epoch (it may lead again later, with a new
        // epoch); nothing it wrote is visible; it is still running, not crashed
        eventually(
            () ->
                assertThat(a.leaders())
                    .noneMatch(l -> l.shard() == shard && l.epoch() == epochOfA));
        List<SagaEvent.Started> started = startedEvents(client, "saga-" + taskId);
        assertThat(started).hasSize(1);
        assertThat(started.get(0).leader().epoch()).isEqualTo(successor.epoch());
        assertThat(a.done()).as("A handled the fence by stepping down").isNotDone();
        assertThat(epochsOf(client, shard)).isSorted().doesNotHaveDuplicates();
      }
    } finally {
      wakeUp.countDown();
    }
  }

  /** SagaStarted events of the saga, as read_committed consumers see them. */
  private static List<SagaEvent.Started> startedEvents(StackClient client, String sagaId) {
    List<SagaEvent.Started> out = new ArrayList<>();
    for (SagaEvent e : client.sagaEvents(sagaId)) {
      if (e instanceof SagaEvent.Started s) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<LeaderElected> announcements(StackClient client, int shard) {
    return client.leaderships().stream().filter(e -> e.shard() == shard).toList();
  }

  private static LeaderElected lastLeader(StackClient client, int shard) {
    List<LeaderElected> all = announcements(client, shard);
    return all.get(all.size() - 1);
  }

  private static LeaderElected leaderAt(StackClient client, int shard, long epoch) {
    return announcements(client, shard).stream()
        .filter(e -> e.epoch() == epoch)
        .findFirst()
        .orElseThrow();
  }

  private static List<Long> epochsOf(StackClient client, int shard) {
    return announcements(client, shard).stream().map(LeaderElected::epoch).toList();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
