package io.conclave.launcher.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What the options of conclave worker and coordinator set for the service they run. */
class ServiceCommandsTest {
  @Test
  void theWorkersOptionsAreItsSettings() {
    WorkerCommand worker = new WorkerCommand();
    new CommandLine(worker)
        .parseArgs("--agent-types", "research,write", "--offline-agents", "--metrics-port", "9100");

    assertThat(worker.settings())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of(
                "conclave.worker.agent-types", "research,write",
                "conclave.worker.offline-agents", "true",
                "conclave.worker.metrics-port", "9100"));
  }

  @Test
  void optionsNotGivenLeaveTheServicesSettingsAlone() {
    WorkerCommand worker = new WorkerCommand();
    new CommandLine(worker).parseArgs();
    CoordinatorCommand coordinator = new CoordinatorCommand();
    new CommandLine(coordinator).parseArgs();

    assertThat(worker.settings()).isEmpty();
    assertThat(coordinator.settings()).isEmpty();

    new CommandLine(coordinator).parseArgs("--health-port", "9200");
    assertThat(coordinator.settings()).containsOnlyKeys("conclave.coordinator.health-port");
  }
}
