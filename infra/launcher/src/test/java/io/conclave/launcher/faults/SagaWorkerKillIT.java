package io.conclave.launcher.faults;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.harness.EffectLedger;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.launcher.saga.SagaIT;
import io.conclave.model.eventlog.AgentIds;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.conclave.worker.StepEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
    String taskId = "kill-1";
    String sagaId = "saga-" + taskId;
    try (InProcessConclave conclave =
        InProcessConclave.with(settings)
            .workers(0)
            .workerProcesses(1, List.of("-D" + EffectLedger.PROPERTY + "=" + ledger))
            .noProjections()
            .start()) {
      StackClient client = conclave.client();
      var plan =
          Saga.step("fx-research", "sleep-4000-gather", "undo")
              .step("fx-analysis", "ok-analyze", "undo")
              .step("fx-write", "ok-draft", "undo")
              .build()
              .steps();
      client.submit(taskId, "question", plan);

      // When: the step's effect has happened, the worker is killed before it can commit
      eventually(() -> assertThat(EffectLedger.read(ledger)).isNotEmpty());
      conclave.workerProcesses().get(0).kill();
      conclave.startWorkerProcess();

      // Then: the saga completes, its first step once, and the effect was asked for twice with one
      // key
      client.awaitEnd(sagaId);
      List<SagaEvent> events = client.sagaEvents(sagaId);
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
      assertThat(client.decisionsOf(agentId))
          .extracting(StackClient.Logged::decision)
          .filteredOn(
              d ->
                  d.kind().equals(StepEngine.RESULT_DECISION)
                      && d.sagaId().equals(Optional.of(sagaId)))
          .hasSize(1);
    }
  }
}
