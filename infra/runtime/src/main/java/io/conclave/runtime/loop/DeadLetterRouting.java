package io.conclave.runtime.loop;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one record and hands it to the handler, routing poison to the dead-letter topic: a value
 * that cannot be read, or a {@link PoisonRecordException} from the handler. A tombstone is skipped;
 * whatever else the handler throws goes up to the loop.
 */
final class DeadLetterRouting<V> {
  private static final Logger log = LoggerFactory.getLogger(TransactionalPartitionLoop.class);

  private final String name;
  private final String deadLetterTopic;
  private final Map<String, Deserializer<? extends V>> valueReaders;
  private final Serializer<DeadLetter> deadLetterWriter;
  private final PartitionHandler<V> handler;
  private final Clock clock;

  DeadLetterRouting(
      String name,
      String deadLetterTopic,
      Map<String, Deserializer<? extends V>> valueReaders,
      Serializer<DeadLetter> deadLetterWriter,
      PartitionHandler<V> handler,
      Clock clock) {
    this.name = name;
    this.deadLetterTopic = deadLetterTopic;
    this.valueReaders = Map.copyOf(valueReaders);
    this.deadLetterWriter = deadLetterWriter;
    this.handler = handler;
    this.clock = clock;
  }

  /** The records to write for {@code record}: the handler's, or its dead letter. */
  List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      // a tombstone deletes a key of a compacted topic; it is not something to handle
      log.debug(
          "{}: tombstone at {}-{}@{} skipped",
          name,
          record.topic(),
          record.partition(),
          record.offset());
      return List.of();
    }
    V value;
    try {
      value =
          valueReaders
              .get(record.topic())
              .deserialize(record.topic(), record.headers(), record.value());
      if (value == null) {
        throw new PoisonRecordException("record has no value");
      }
    } catch (RuntimeException e) {
      // a registry that is away says nothing about the record: the transaction aborts and the
      // record is read again
      SchemaRegistryUnavailableException.rethrowIfIn(e);
      // whatever else the deserializer throws for these bytes, it will throw again: the record is
      // poison
      return List.of(deadLetter(record, e));
    }
    try {
      return handler.handle(record, value);
    } catch (PoisonRecordException e) {
      return List.of(deadLetter(record, e.reported()));
    }
  }

  private ProducerRecord<byte[], byte[]> deadLetter(
      ConsumerRecord<byte[], byte[]> record, RuntimeException e) {
    DeadLetter letter =
        DeadLetters.of(
            record.topic(),
            record.partition(),
            record.offset(),
            record.key(),
            record.value(),
            e,
            clock.instant());
    log.warn(
        "{}: record {}-{}@{} sent to {}: {}",
        name,
        record.topic(),
        record.partition(),
        record.offset(),
        deadLetterTopic,
        letter.errorMessage());
    return new ProducerRecord<>(
        deadLetterTopic,
        null,
        null,
        record.key(),
        deadLetterWriter.serialize(deadLetterTopic, letter),
        DeadLetters.headers(letter));
  }
}
