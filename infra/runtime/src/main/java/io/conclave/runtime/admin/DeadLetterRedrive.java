package io.conclave.runtime.admin;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.loop.DeadLetters;
import io.conclave.runtime.readers.TopicScan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Re-driving a dead letter: its record written back to the topic and partition it came from, key
 * and value as they were, with a {@link DeadLetters#REDRIVEN_FROM} header, for its consumer to
 * handle again. The one implementation behind {@code conclave dead-letters redrive} and {@code POST
 * /admin/dead-letters/{partition}/{offset}/redrive}. Each call writes the record again: nothing
 * remembers that a dead letter was re-driven.
 */
public final class DeadLetterRedrive {
  /** What a re-drive came to. */
  public sealed interface Outcome permits Redriven, NotFound {}

  /**
   * The record of the dead letter at {@code deadLetter}@{@code offset} was written to {@code
   * written}@ {@code writtenOffset}.
   */
  public record Redriven(
      TopicPartition deadLetter,
      long offset,
      DeadLetter letter,
      TopicPartition written,
      long writtenOffset)
      implements Outcome {}

  /**
   * Nothing to re-drive at that place: {@code reason} says why (no record there, or a deleted dead
   * letter).
   */
  public record NotFound(String reason) implements Outcome {}

  /**
   * Writes a record and answers where it went; how depends on the caller's producer and its error
   * handling.
   */
  @FunctionalInterface
  public interface Writer {
    RecordMetadata write(ProducerRecord<byte[], byte[]> record)
        throws InterruptedException, ExecutionException;
  }

  private DeadLetterRedrive() {}

  /**
   * Reads the dead letter at {@code partition}@{@code offset} of {@code settings}' dead-letter
   * topic and, if there is one, writes its record back through {@code writer}.
   *
   * @throws IllegalArgumentException if {@code offset} is negative or the topic has no such {@code
   *     partition}
   * @throws org.apache.kafka.common.errors.SerializationException if the dead letter itself cannot
   *     be read
   * @throws ExecutionException if {@code writer}'s write failed
   */
  public static Outcome redrive(
      ConclaveSettings settings,
      Deserializer<DeadLetter> reader,
      int partition,
      long offset,
      Writer writer)
      throws InterruptedException, ExecutionException {
    String topic = settings.topics().deadLetters();
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
    TopicPartition at = new TopicPartition(topic, partition);
    List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
    try (TopicScan scan = new TopicScan(settings.kafka())) {
      int partitions = scan.partitionCount(topic);
      if (partition < 0 || partition >= partitions) {
        throw new IllegalArgumentException(
            "partition must be one of "
                + topic
                + "'s partitions 0.."
                + (partitions - 1)
                + ", was "
                + partition);
      }
      // an offset past the end would be waited for
      if (offset >= scan.beginningOffset(at) && offset < scan.endOffset(at)) {
        scan.scan(at, offset, offset + 1, found::add);
      }
    }
    if (found.isEmpty()) {
      return new NotFound("no dead letter at " + at + "@" + offset);
    }
    DeadLetter letter =
        found.get(0).value() == null ? null : reader.deserialize(topic, found.get(0).value());
    if (letter == null) {
      return new NotFound(
          "no dead letter at " + at + "@" + offset + ": it was deleted (a tombstone)");
    }
    RecordMetadata written = writer.write(record(letter, at, offset));
    return new Redriven(
        at,
        offset,
        letter,
        new TopicPartition(written.topic(), written.partition()),
        written.offset());
  }

  /** The record that re-drives {@code letter}, found at {@code at}@{@code offset}. */
  public static ProducerRecord<byte[], byte[]> record(
      DeadLetter letter, TopicPartition at, long offset) {
    ProducerRecord<byte[], byte[]> again =
        new ProducerRecord<>(
            letter.sourceTopic(), letter.sourcePartition(), letter.key(), letter.value());
    again
        .headers()
        .add(DeadLetters.REDRIVEN_FROM, (at + "@" + offset).getBytes(StandardCharsets.UTF_8));
    return again;
  }
}
