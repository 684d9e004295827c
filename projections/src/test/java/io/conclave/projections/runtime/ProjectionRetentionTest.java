package io.conclave.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.sagas.SagaHistories;
import io.conclave.projections.tasks.TaskStores;
import io.conclave.projections.tasks.TaskView;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.topics.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The projections keep what the shard leaders keep: an ended saga until the saga retention has
 * passed since it ended, a submission for the retention after it was submitted, a running saga as
 * long as it runs; the status counts follow.
 */
class ProjectionRetentionTest {
  private static final TopicNames TOPICS = new TopicNames("acme");
  private static final Duration RETENTION = Duration.ofHours(1);

  @Test
  void anEndedSagaAndOldSubmissionsRetireAfterTheRetentionAndARunningSagaStays(
      @TempDir Path stateDir) {
    var serdes = TestTopologies.serdes();
    Instant t0 = SagaHistories.T0;

    try (var driver =
        TestTopologies.driver(TOPICS, serdes, stateDir, new SagaRetention(RETENTION), t0)) {
      TestInputTopic<String, SagaEvent> events =
          driver.createInputTopic(
              TOPICS.sagaEvents(), Serdes.String().serializer(), serdes.sagaEvents().serializer());
      TestInputTopic<String, TaskSubmission> tasks =
          driver.createInputTopic(
              TOPICS.tasks(), Serdes.String().serializer(), serdes.tasks().serializer());
      KeyValueStore<String, SagaState> sagas = driver.getKeyValueStore(TaskStores.SAGAS);
      KeyValueStore<String, TaskView> submissions = driver.getKeyValueStore(TaskStores.SUBMISSIONS);
      KeyValueStore<String, Long> counts = driver.getKeyValueStore(TaskStores.SAGA_COUNTS);

      // given: "done" ran and ended at t0 + 4 s (its history's ticks), "long" is still running;
      // both submitted at t0
      List<SagaEvent> done = SagaHistories.completed("done", 2);
      List<SagaEvent> running = SagaHistories.completed("long", 2).subList(0, 2);
      for (String task : List.of("done", "long")) {
        tasks.pipeInput(task, new TaskSubmission(task, SagaHistories.PROMPT, t0));
      }
      done.forEach(e -> events.pipeInput(ConclaveRecords.sagaEventKey(e.sagaId(), e.seq()), e));
      running.forEach(e -> events.pipeInput(ConclaveRecords.sagaEventKey(e.sagaId(), e.seq()), e));
      Instant endedAt = sagas.get("done").endedAt();
      assertThat(sagas.get("done").status()).isEqualTo(SagaState.Status.COMPLETED);
      assertThat(counts(counts)).containsExactly(entry("RUNNING", 1L), entry("COMPLETED", 1L));

      // when: the clock reaches a little less than the retention after the end, nothing retires
      driver.advanceWallClockTime(Duration.between(t0, endedAt.plus(RETENTION).minusSeconds(30)));
      assertThat(sagas.get("done")).isNotNull();
      assertThat(submissions.get("done")).isNotNull();

      // ... and once a sweep comes after it, the ended saga and both submissions are gone, the
      // running saga is not
      driver.advanceWallClockTime(Retirements.sweepEvery(RETENTION).plusSeconds(30));
      assertThat(sagas.get("done")).isNull();
      assertThat(submissions.get("done")).isNull();
      assertThat(submissions.get("long")).isNull();
      assertThat(sagas.get("long").status()).isEqualTo(SagaState.Status.RUNNING);
      assertThat(counts(counts)).containsExactly(entry("RUNNING", 1L));

      // then: a late report of the retired saga leaves nothing behind
      SagaEvent late = done.get(1);
      events.pipeInput(ConclaveRecords.sagaEventKey(late.sagaId(), late.seq()), late);
      assertThat(sagas.get("done")).isNull();
      assertThat(counts(counts)).containsExactly(entry("RUNNING", 1L));
    }
  }

  /** The status counts the gauge reads, in status order. */
  private static Map<String, Long> counts(KeyValueStore<String, Long> store) {
    Map<String, Long> out = new TreeMap<>(Comparator.comparing(SagaState.Status::valueOf));
    try (var it = store.all()) {
      it.forEachRemaining(kv -> out.put(kv.key, kv.value));
    }
    return out;
  }
}
