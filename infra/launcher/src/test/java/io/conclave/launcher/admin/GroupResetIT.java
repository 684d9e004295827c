package io.conclave.launcher.admin;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.coordinator.Coordinator;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.saga.SagaEvent;
import io.conclave.runtime.admin.GroupActiveException;
import io.conclave.runtime.admin.GroupReset;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
    try (Admin admin = stack.admin();
        StackClient client = new StackClient(settings)) {
      try (InProcessConclave coordinator = startCoordinator(settings)) {
        for (String id : List.of("r-1", "r-2", "r-3")) {
          client.submit(id, "replay me");
        }
        eventually(() -> assertThat(startedSagas(client)).hasSize(3));

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
      try (InProcessConclave replaying = startCoordinator(settings)) {
        eventually(
            () -> {
              var now = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
              assertThat(before)
                  .allSatisfy(
                      (tp, offset) -> {
                        assertThat(now).containsKey(tp);
                        assertThat(now.get(tp).offset()).isGreaterThanOrEqualTo(offset.offset());
                      });
            });
      }

      // Then: each task still has exactly one saga
      assertThat(startedSagas(client))
          .containsExactlyInAnyOrder("saga-r-1", "saga-r-2", "saga-r-3");
    }
  }

  /** A coordinator alone: the test stops it to empty its group. */
  private static InProcessConclave startCoordinator(ConclaveSettings settings) throws Exception {
    return InProcessConclave.with(settings).workers(0).noProjections().start();
  }

  private static List<String> startedSagas(StackClient client) {
    return client.sagaEvents().stream()
        .filter(e -> e instanceof SagaEvent.Started)
        .map(SagaEvent::sagaId)
        .toList();
  }
}
