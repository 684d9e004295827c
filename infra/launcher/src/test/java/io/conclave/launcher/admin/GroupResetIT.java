package io.conclave.launcher.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.conclave.coordinator.Coordinator;
import io.conclave.coordinator.OfflinePlanner;
import io.conclave.launcher.harness.RecordedLogs;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaEvent;
import io.conclave.runtime.admin.GroupActiveException;
import io.conclave.runtime.admin.GroupReset;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Resetting the coordinator group replays the tasks topic: refused while a coordinator runs, done
 * once it is stopped, and the replay starts no saga a second time.
 */
@ExtendWith(ConclaveStackExtension.class)
class GroupResetIT {
  @Test
  void aResetIsRefusedWhileTheGroupIsActiveAndItsReplayStartsNoSagaTwice(ConclaveStack stack)
      throws Exception {
    // Given: three tasks handled by a coordinator
    ConclaveSettings settings = stack.isolated("reset");
    String group = Coordinator.groupId(settings);
    String tasks = settings.topics().tasks();
    try (Admin admin = stack.admin()) {
      try (Coordinator coordinator =
          new Coordinator(settings, new OfflinePlanner(), Clock.systemUTC()).start()) {
        submit(settings, "r-1", "r-2", "r-3");
        await().atMost(Duration.ofSeconds(60)).until(() -> startedSagas(settings).size() == 3);

        // When / then: the group is active, so the reset is refused and nothing moves
        assertThatThrownBy(() -> GroupReset.reset(admin, group, tasks, LogPosition.beginning()))
            .isInstanceOf(GroupActiveException.class)
            .hasMessageContaining("is active");
      }
      Map<TopicPartition, OffsetAndMetadata> before =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      assertThat(before.values()).anyMatch(o -> o.offset() > 0);

      // When: stopped, the group is reset to the beginning and a coordinator replays every task
      Map<TopicPartition, Long> moved =
          GroupReset.reset(admin, group, tasks, LogPosition.beginning());
      assertThat(moved.values()).containsOnly(0L);
      // the coordinators also commit their offsets on conclave.saga-events: those stay
      assertThat(
              admin
                  .listConsumerGroupOffsets(group)
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .entrySet())
          .filteredOn(e -> e.getKey().topic().equals(tasks))
          .isNotEmpty()
          .allMatch(e -> e.getValue().offset() == 0);
      try (Coordinator replaying =
          new Coordinator(settings, new OfflinePlanner(), Clock.systemUTC()).start()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  var now =
                      admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                  return before.entrySet().stream()
                      .allMatch(
                          e ->
                              now.containsKey(e.getKey())
                                  && now.get(e.getKey()).offset() >= e.getValue().offset());
                });
      }

      // Then: each task still has exactly one saga
      assertThat(startedSagas(settings))
          .containsExactlyInAnyOrder("saga-r-1", "saga-r-2", "saga-r-3");
    }
  }

  private static void submit(ConclaveSettings settings, String... ids) throws Exception {
    var records = new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()));
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
      for (String id : ids) {
        producer
            .send(records.task(new TaskSubmission(id, "replay me", Clock.systemUTC().instant())))
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static List<String> startedSagas(ConclaveSettings settings) {
    return RecordedLogs.sagaEvents(settings).stream()
        .filter(e -> e instanceof SagaEvent.Started)
        .map(SagaEvent::sagaId)
        .toList();
  }
}
