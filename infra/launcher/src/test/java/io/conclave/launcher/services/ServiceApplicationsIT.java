package io.conclave.launcher.services;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.Http;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A coordinator and a worker, started as the deployments start them (their main classes, system
 * properties), are Micronaut applications: ready once their loops poll and Kafka answers, with JVM,
 * Kafka client and Conclave metrics for Prometheus; and SIGTERM stops them.
 */
@ExtendWith(ConclaveStackExtension.class)
class ServiceApplicationsIT {
  @Test
  void theCoordinatorAndTheWorkerServeTheirReadinessAndTheirMetrics(ConclaveStack stack)
      throws Exception {
    // Given
    ConclaveSettings settings = stack.isolated("apps");
    List<String> props = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
    int coordinatorPort = Http.freePort();
    int workerPort = Http.freePort();
    PrintStream out = System.out;
    List<ChildProcess> services = new ArrayList<>();
    try {
      // When
      services.add(
          ChildProcess.start(
              "coordinator",
              "io.conclave.coordinator.Coordinator",
              with(props, "-Dmicronaut.server.port=" + coordinatorPort),
              out));
      services.add(
          ChildProcess.start(
              "worker",
              "io.conclave.worker.AgentWorker",
              with(
                  props,
                  "-Dmicronaut.server.port=" + workerPort,
                  "-Dconclave.worker.agent-types=research",
                  "-Dconclave.worker.offline-agents=true"),
              out));

      // Then: each is ready, its loops own their partitions, and Kafka answers
      Http coordinator = new Http("http://127.0.0.1:" + coordinatorPort);
      Http worker = new Http("http://127.0.0.1:" + workerPort);
      eventually(
          () -> {
            for (Http service : List.of(coordinator, worker)) {
              var ready = service.get("/health/readiness");
              assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
              assertThat(ready.body()).contains("\"kafka\"").contains("\"loops\"");
            }
            assertThat(coordinator.get("/prometheus").body())
                .contains(
                    "conclave_loop_partitions{loop=\"coordinator\"} " + settings.partitions());
            assertThat(worker.get("/prometheus").body())
                .contains(
                    "conclave_loop_partitions{loop=\"worker-research\"} " + settings.partitions());
          });
      for (Http service : List.of(coordinator, worker)) {
        var live = service.get("/health/liveness");
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(live.body()).contains("\"loops-alive\"");
        assertThat(service.get("/prometheus").body())
            .contains("jvm_memory_used_bytes{")
            .contains("kafka_consumer_")
            .contains("kafka_producer_");
      }

      // and SIGTERM stops both (each closes its loops first: "coordinator stopped" in its log)
      services.forEach(ChildProcess::requestStop);
      eventually(() -> assertThat(services).noneMatch(ChildProcess::isAlive));
    } finally {
      services.forEach(ChildProcess::kill);
    }
  }

  private static List<String> with(List<String> props, String... more) {
    List<String> all = new ArrayList<>(props);
    all.addAll(List.of(more));
    return all;
  }
}
