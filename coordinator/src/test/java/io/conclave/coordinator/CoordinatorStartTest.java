package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    Path log = dir.resolve("coordinator.log");
    Process coordinator =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "-Dconclave.kafka.bootstrap-servers=127.0.0.1:1",
                    "-Dconclave.coordinator.planner=llm",
                    Coordinator.class.getName()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean exited = coordinator.waitFor(60, TimeUnit.SECONDS);
    coordinator.destroyForcibly();
    String output = Files.readString(log);

    // then
    assertThat(exited).as("the coordinator exited: " + output).isTrue();
    assertThat(coordinator.exitValue()).as(output).isEqualTo(2);
    assertThat(output)
        .contains(
            "coordinator not started: no planner named 'llm' on the class path"
                + " (conclave.coordinator.planner); the planners there: offline")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
