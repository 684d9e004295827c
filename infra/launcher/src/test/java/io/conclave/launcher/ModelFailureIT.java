package io.conclave.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.conclave.coordinator.Coordinator;
import io.conclave.coordinator.OfflinePlanner;
import io.conclave.core.Saga;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaState;
import io.conclave.core.TaskSubmission;
import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker process whose agents ask a real (fake) OpenAI-compatible model server over HTTP: the first two steps get
 * answers, the third step's model answers 500 until the model's pipeline gives up; the step fails once (the step is
 * not retried on top of the model's retries) and the saga compensates, latest first (the failed step too, which
 * may have half-happened).
 */
@ExtendWith(ConclaveStackExtension.class)
class ModelFailureIT {
  @Test
  void aStepWhoseModelFailsHardCompensatesTheSaga(ConclaveStack stack) throws Exception {
    ConclaveSettings settings = stack.prepare(ConclaveSettings.from(Map.of(), Map.of())
        .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
        .withTopicPrefix("model-failure-" + UUID.randomUUID().toString().substring(0, 8)));
    var records = new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()));
    List<ChildProcess> workers = new ArrayList<>();
    try (FakeModelServer model = new FakeModelServer();
         Coordinator coordinator = new Coordinator(settings, new OfflinePlanner(), Clock.systemUTC()).start();
         var producer = new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.bootstrapServers()))) {
      model.then(Reply.answer("sources"), Reply.answer("analysis"), Reply.error(500, "model crashed"),
          Reply.error(503, "still down"));
      List<String> props = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
      props.addAll(List.of("-Dconclave.llm.base-url=" + model.baseUrl(), "-Dconclave.llm.model=fake-gpt",
          "-Dconclave.llm.api-key=sk-test", "-Dconclave.llm.max-attempts=2", "-Dconclave.llm.backoff-ms=10"));
      workers.add(ChildProcess.start("worker", "io.conclave.worker.AgentWorker", props, System.out));

      var plan = Saga.step("research", "gather", "discard").step("analysis", "analyze", "retract")
          .step("write", "draft", "unpublish").build().steps();
      producer.send(records.task(new TaskSubmission("m-1", "Why is the sky blue?", Clock.systemUTC().instant(),
          Optional.of(plan)))).get();

      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
          RecordedLogs.sagaEvents(settings).stream().anyMatch(e -> e instanceof SagaEvent.Aborted));
      List<SagaEvent> events = RecordedLogs.sagaEvents(settings);
      SagaState saga = SagaState.of(events);
      assertThat(saga.status()).isEqualTo(SagaState.Status.COMPENSATED);
      assertThat(events).filteredOn(e -> e instanceof SagaEvent.StepFailed).singleElement()
          .satisfies(e -> assertThat(((SagaEvent.StepFailed) e).error()).contains("answered 503: still down"));
      assertThat(events).filteredOn(e -> e instanceof SagaEvent.Compensated)
          .extracting(e -> ((SagaEvent.Compensated) e).stepIndex()).as("the failed step too: it may have half-happened")
          .containsExactly(2, 1, 0);
      // two steps answered, then the third step's two attempts: the step itself was not tried again
      assertThat(model.received()).hasSize(4);
      assertThat(model.received()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer sk-test"));
    } finally {
      workers.forEach(ChildProcess::kill);
    }
  }
}
