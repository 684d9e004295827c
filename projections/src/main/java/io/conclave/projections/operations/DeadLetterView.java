package io.conclave.projections.operations;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.runtime.records.RecordJson;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One record of conclave.dead-letters: where it is ({@code partition}, {@code offset}: what a
 * re-drive names), where the failed record came from, what failed, and the failed record's key and
 * value as they were (Base64; the key also as text when it is printable UTF-8). A dead letter that
 * cannot be read itself has only its place and {@code errorMessage}.
 */
@Serdeable
public record DeadLetterView(
    int partition,
    long offset,
    @Nullable String sourceTopic,
    @Nullable Integer sourcePartition,
    @Nullable Long sourceOffset,
    @Nullable String errorClass,
    String errorMessage,
    @Nullable Instant at,
    @Nullable String key,
    @Nullable String keyBase64,
    @Nullable String valueBase64) {
  public static DeadLetterView of(
      ConsumerRecord<byte[], byte[]> record, Deserializer<DeadLetter> reader) {
    DeadLetter letter;
    try {
      letter = reader.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      return new DeadLetterView(
          record.partition(),
          record.offset(),
          null,
          null,
          null,
          null,
          "unreadable dead letter: " + e.getMessage(),
          null,
          null,
          null,
          null);
    }
    if (letter == null) {
      return new DeadLetterView(
          record.partition(),
          record.offset(),
          null,
          null,
          null,
          null,
          "tombstone: a dead letter deleted",
          null,
          null,
          null,
          null);
    }
    return new DeadLetterView(
        record.partition(),
        record.offset(),
        letter.sourceTopic(),
        letter.sourcePartition(),
        letter.sourceOffset(),
        letter.errorClass(),
        letter.errorMessage(),
        letter.at(),
        RecordJson.text(letter.key()).orElse(null),
        base64(letter.key()),
        base64(letter.value()));
  }

  private static String base64(byte[] bytes) {
    return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
  }
}
