package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.testkit.MainInChildJvm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator process configured with a planner no provider on its class path has refuses to
 * start, naming the planners there are, before it reaches for Kafka (so no broker is needed here).
 */
class CoordinatorStartTest {
  @Test
  void aCoordinatorWithAPlannerNoProviderHasExitsNamingThoseThereAre(@TempDir Path dir)
      throws Exception {
    // when
    MainInChildJvm.Run coordinator =
        MainInChildJvm.run(
            Coordinator.class,
            List.of(
                "-Dconclave.kafka.bootstrap-servers=127.0.0.1:1",
                "-Dconclave.coordinator.planner=oracle"),
            dir.resolve("coordinator.log"));

    // then
    assertThat(coordinator.exited()).as("the coordinator exited: " + coordinator.output()).isTrue();
    assertThat(coordinator.exitCode()).as(coordinator.output()).isEqualTo(2);
    assertThat(coordinator.output())
        .contains(
            "coordinator not started: no planner named 'oracle' on the class path"
                + " (conclave.coordinator.planner); the planners there: llm, offline")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
