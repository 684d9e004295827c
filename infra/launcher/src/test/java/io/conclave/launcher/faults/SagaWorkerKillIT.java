package io.conclave.launcher.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.conclave.coordinator.Coordinator;
import io.conclave.coordinator.OfflinePlanner;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.EffectLedger;
import io.conclave.launcher.harness.RecordedLogs;
import io.conclave.launcher.saga.SagaIT;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.AgentIds;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.worker.StepEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker process is killed (SIGKILL) in the middle of a saga step, after the step's effect
 * outside Kafka happened but before its transaction committed. Another worker process runs the step
 * again with the same idempotency key, so the outside system applies the effect once, and the step
 * completes once in the saga and in the agent's log.
 */
@ExtendWith(ConclaveStackExtension.class)
class SagaWorkerKillIT {
  @Test
  void aWorkerKilledMidStepLeavesOneCompletionAndOneEffect(ConclaveStack stack) throws Exception {
    // Given: a worker process whose research step does its effect, then takes 4 s
    ConclaveSettings settings = stack.prepare(SagaIT.sagaSettings(stack, "saga-kill"));
    Path ledger = Files.createTempFile("effects", ".ledger");
    List<String> props = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
    props.add("-D" + EffectLedger.PROPERTY + "=" + ledger);
    List<ChildProcess> workers = new ArrayList<>();
    var records = new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()));
    String taskId = "kill-1";
    String sagaId = "saga-" + taskId;
    try (Coordinator coordinator =
            new Coordinator(settings, new OfflinePlanner(), Clock.systemUTC()).start();
        var producer =
            new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
      workers.add(
          ChildProcess.start("worker-1", "io.conclave.worker.AgentWorker", props, System.out));
      var plan =
          Saga.step("fx-research", "sleep-4000-gather", "undo")
              .step("fx-analysis", "ok-analyze", "undo")
              .step("fx-write", "ok-draft", "undo")
              .build()
              .steps();
      producer
          .send(
              records.task(
                  new TaskSubmission(
                      taskId, "question", Clock.systemUTC().instant(), Optional.of(plan))))
          .get();

      // When: the step's effect has happened, the worker is killed before it can commit
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !EffectLedger.read(ledger).isEmpty());
      workers.get(0).kill();
      workers.add(
          ChildProcess.start("worker-2", "io.conclave.worker.AgentWorker", props, System.out));

      // Then: the saga completes, its first step once, and the effect was asked for twice with one
      // key
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  RecordedLogs.sagaEvents(settings).stream()
                      .anyMatch(
                          e -> e instanceof SagaEvent.Completed && e.sagaId().equals(sagaId)));
      List<SagaEvent> events =
          RecordedLogs.sagaEvents(settings).stream()
              .filter(e -> e.sagaId().equals(sagaId))
              .toList();
      assertThat(SagaState.of(events).status()).isEqualTo(SagaState.Status.COMPLETED);
      assertThat(events)
          .filteredOn(e -> e instanceof SagaEvent.StepCompleted c && c.stepIndex() == 0)
          .hasSize(1);
      List<EffectLedger.Effect> research =
          EffectLedger.read(ledger).stream()
              .filter(e -> e.what().startsWith("fx-research.sleep-4000-gather step 0"))
              .toList();
      assertThat(research).as("run by the killed worker, then again by the next").hasSize(2);
      assertThat(research)
          .extracting(EffectLedger.Effect::key)
          .as("one idempotency key: one effect")
          .containsOnly(sagaId + "/0/0");
      String agentId = AgentIds.of("fx-research", Partitioning.of(sagaId, settings.partitions()));
      assertThat(RecordedLogs.decisionsOf(settings, agentId))
          .extracting(RecordedLogs.Logged::decision)
          .filteredOn(
              d ->
                  d.kind().equals(StepEngine.RESULT_DECISION)
                      && d.sagaId().equals(Optional.of(sagaId)))
          .hasSize(1);
    } finally {
      workers.forEach(ChildProcess::kill);
    }
  }
}
