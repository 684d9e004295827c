package io.conclave.runtime.loop;

import io.conclave.model.cluster.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How every consumer of Conclave writes a record it cannot handle to {@code conclave.dead-letters}:
 * the {@link DeadLetter} value, and headers that say the same for tools that read headers only
 * (where it came from, what failed), so that it can be found, understood and re-driven without
 * decoding the value.
 */
public final class DeadLetters {
  /** Header names; offsets and partitions are decimal text, every value UTF-8. */
  public static final String SOURCE_TOPIC = "conclave.dlt.source-topic";

  public static final String SOURCE_PARTITION = "conclave.dlt.source-partition";
  public static final String SOURCE_OFFSET = "conclave.dlt.source-offset";
  public static final String EXCEPTION_CLASS = "conclave.dlt.exception-class";
  public static final String EXCEPTION_MESSAGE = "conclave.dlt.exception-message";

  /**
   * On a re-driven record: the dead letter it was written back from, {@code
   * <topic>-<partition>@<offset>}.
   */
  public static final String REDRIVEN_FROM = "conclave.dlt.redriven-from";

  private DeadLetters() {}

  /**
   * The dead letter of the record at {@code topic}-{@code partition}@{@code offset} that failed
   * with {@code e}; a Kafka exception that wraps another (a deserializer's) is named by its cause.
   */
  public static DeadLetter of(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      RuntimeException e,
      Instant at) {
    Throwable cause = e.getCause() != null && e instanceof KafkaException ? e.getCause() : e;
    String message =
        e.getMessage()
            + (cause != e && cause.getMessage() != null ? ": " + cause.getMessage() : "");
    return new DeadLetter(
        topic, partition, offset, cause.getClass().getName(), message, key, value, at);
  }

  /** The headers of {@code letter}'s record. */
  public static Headers headers(DeadLetter letter) {
    Headers headers = new RecordHeaders();
    headers.add(SOURCE_TOPIC, utf8(letter.sourceTopic()));
    headers.add(SOURCE_PARTITION, utf8(Integer.toString(letter.sourcePartition())));
    headers.add(SOURCE_OFFSET, utf8(Long.toString(letter.sourceOffset())));
    headers.add(EXCEPTION_CLASS, utf8(letter.errorClass()));
    headers.add(EXCEPTION_MESSAGE, utf8(letter.errorMessage()));
    return headers;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
