package io.conclave.launcher.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import io.conclave.testkit.StackClient;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model that never answers does not stall a worker past {@code max.poll.interval.ms} (6 s here):
 * the step's attempts are bounded by a third of it, the step fails and its saga compensates, and
 * the worker keeps its partitions all along (Kafka never expires its poll, nobody fences it), and
 * its {@code /health} says so.
 */
@ExtendWith(ConclaveStackExtension.class)
class ModelHangIT {
  @Test
  void aHungModelFailsTheStepWithinThePollIntervalAndTheWorkerStaysInItsGroup(ConclaveStack stack)
      throws Exception {
    ConclaveSettings settings =
        stack.prepare(
            ConclaveSettings.from(Map.of(), Map.of())
                .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                .withTopicPrefix("model-hang-" + UUID.randomUUID().toString().substring(0, 8)));
    var release = new CountDownLatch(1);
    var output = new ByteArrayOutputStream();
    List<ChildProcess> workers = new ArrayList<>();
    try (FakeModelServer model = new FakeModelServer();
        InProcessConclave conclave =
            InProcessConclave.with(settings).workers(0).noProjections().start()) {
      for (int i = 0; i < 20; i++) {
        model.then(Reply.hang(release));
      }
      int metricsPort;
      try (var socket = new java.net.ServerSocket(0)) {
        metricsPort = socket.getLocalPort();
      }
      // a worker process of the test's own: the test reads its output, and gives it a shorter poll
      // interval than the settings' (which the coordinator keeps)
      List<String> props = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
      props.removeIf(p -> p.startsWith("-Dconclave.group.max-poll-interval-ms="));
      props.addAll(
          List.of(
              "-Dconclave.group.max-poll-interval-ms=6000",
              "-Dconclave.llm.base-url=" + model.baseUrl(),
              "-Dconclave.llm.model=hung-gpt",
              "-Dconclave.llm.timeout-ms=60000",
              "-Dconclave.worker.metrics-port=" + metricsPort,
              "-Dconclave.worker.offline-agents=true"));
      workers.add(
          ChildProcess.start(
              "worker",
              "io.conclave.worker.AgentWorker",
              props,
              new PrintStream(tee(output), true, StandardCharsets.UTF_8)));

      var plan = Saga.step("research", "gather", "discard").build().steps();
      StackClient client = conclave.client();
      client.submit("h-1", "Why?", plan);

      client.awaitEnd("saga-h-1");
      List<SagaEvent> events = client.sagaEvents();
      assertThat(SagaState.of(events).status()).isEqualTo(SagaState.Status.COMPENSATED);
      assertThat(events)
          .filteredOn(e -> e instanceof SagaEvent.StepFailed)
          .singleElement()
          .satisfies(e -> assertThat(((SagaEvent.StepFailed) e).error()).contains("Timeout"));
      assertThat(model.received()).isNotEmpty();
      String log = output.toString(StandardCharsets.UTF_8);
      assertThat(log)
          .doesNotContain("poll timeout has expired")
          .doesNotContain("fenced on partition")
          .contains("worker-research: now owns partitions");
      // and: its liveness probe says every loop polls, the research loop with its partitions
      var health = new Http("http://127.0.0.1:" + metricsPort).get("/health");
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(health.body());
      assertThat(body.get("status").asText()).isEqualTo("UP");
      assertThat(body.at("/details/loops/details/loops"))
          .anySatisfy(
              loop -> {
                assertThat(loop.get("name").asText()).isEqualTo("worker-research");
                assertThat(loop.get("partitions")).isNotEmpty();
                assertThat(loop.get("lastPoll").isTextual()).isTrue();
              });
    } finally {
      release.countDown();
      workers.forEach(ChildProcess::kill);
    }
  }

  /** Writes to {@code copy} and to standard output. */
  private static OutputStream tee(ByteArrayOutputStream copy) {
    return new OutputStream() {
      @Override
      public synchronized void write(int b) {
        copy.write(b);
        System.out.write(b);
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) {
        copy.write(b, off, len);
        System.out.write(b, off, len);
      }
    };
  }
}
