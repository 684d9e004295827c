package io.conclave.launcher.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaEvent;
import io.conclave.testkit.Eventually;
import io.conclave.testkit.StackClient;
import java.util.List;

/** Checks over what the sagas of an installation recorded, shared by the fault ITs. */
public final class SagaChecks {
  private SagaChecks() {}

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
}
