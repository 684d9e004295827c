package io.conclave.projections;

import io.conclave.core.TaskSubmission;
import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.ConclaveSettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;

/** Writes submitted tasks to conclave.tasks; a write returns once every in-sync replica has the record. */
@Singleton
class TaskWriter implements AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final ConclaveRecords records;

  TaskWriter(ConclaveSettings settings, ConclaveRecords records) {
    Map<String, Object> config = ClientConfigs.producer(settings.bootstrapServers());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.topics().prefix() + "-projections-tasks");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    this.producer = new KafkaProducer<>(config);
    this.records = records;
  }

  /** @throws SubmissionFailedException if the task is not durably written: nothing was accepted */
  void write(TaskSubmission task) {
    try {
      producer.send(records.task(task)).get(20, TimeUnit.SECONDS);
    } catch (KafkaException | ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new SubmissionFailedException("the task was not accepted, submit it again: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SubmissionFailedException("interrupted before the task was written", e);
    }
  }

  @PreDestroy
  @Override
  public void close() {
    producer.close();
  }
}
