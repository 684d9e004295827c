package io.conclave.projections.runtime;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaEvent;
import io.conclave.projections.http.SubmissionFailedException;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Writes what clients hand the HTTP API to Kafka: submitted tasks (conclave.tasks), approval
 * decisions (conclave.saga-events) and re-driven dead letters (back to their topics). A write
 * returns once every in-sync replica has the record.
 */
@Singleton
public class ConclaveWriter implements AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final ConclaveRecords records;

  ConclaveWriter(ConclaveSettings settings, ConclaveRecords records) {
    Map<String, Object> config = ClientConfigs.producer(settings.kafka());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.topics().prefix() + "-projections-writer");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    this.producer = new KafkaProducer<>(config);
    this.records = records;
  }

  /**
   * @throws SubmissionFailedException if the task is not durably written: nothing was accepted
   */
  public void write(TaskSubmission task) {
    write(() -> records.task(task), "task");
  }

  /**
   * @throws SubmissionFailedException if the event is not durably written: nothing was accepted
   */
  public void write(SagaEvent event) {
    write(() -> records.sagaEvent(event), "saga event");
  }

  /**
   * Writes {@code record} as it is: a dead letter's record re-driven to where it came from.
   *
   * @throws SubmissionFailedException if it is not durably written
   */
  public RecordMetadata write(ProducerRecord<byte[], byte[]> record) {
    return write(() -> record, "re-driven record");
  }

  /**
   * {@code record} is made here: its serialization asks the schema registry, which may be
   * unreachable too.
   */
  private RecordMetadata write(Supplier<ProducerRecord<byte[], byte[]>> record, String what) {
    ProducerRecord<byte[], byte[]> encoded;
    try {
      encoded = record.get();
    } catch (RuntimeException e) {
      SchemaRegistryUnavailableException.rethrowIfIn(e);
      throw new SubmissionFailedException(
          "the " + what + " could not be encoded, send it again: " + e, e);
    }
    try {
      return producer.send(encoded).get(20, TimeUnit.SECONDS);
    } catch (KafkaException | ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new SubmissionFailedException(
          "the " + what + " was not accepted, send it again: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SubmissionFailedException("interrupted before the " + what + " was written", e);
    }
  }

  @PreDestroy
  @Override
  public void close() {
    producer.close();
  }
}
