package io.conclave.projections.runtime;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.loop.DeadLetters;
import io.conclave.runtime.topics.TopicNames;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.RegistrySettings;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projections' answer to records they cannot read. A record read while the schema registry is
 * away is not skipped, since the view would miss it for good: the stream thread fails, its
 * transaction aborts, and {@link #uncaught} replaces the thread, which reads the record again from
 * the committed offset (the input serdes wait for the registry first, see {@link
 * RegistryPatience}). A record that is unreadable in itself goes to the dead letters if the
 * projections are its only consumer ({@code conclave.dead-letters.sources}: the decisions and the
 * leadership announcements), in the task's transaction, and is skipped otherwise (the coordinator
 * or worker that owns its topic dead-letters it).
 */
public final class RegistryAwareErrors {
  private static final Logger log = LoggerFactory.getLogger(RegistryAwareErrors.class);

  /** Streams settings read by {@link Deserialization#configure}. */
  static final String DEAD_LETTER_TOPIC = "conclave.dead-letters.topic";

  static final String DEAD_LETTER_SOURCES = "conclave.dead-letters.sources";
  static final String REGISTRY_URL = "conclave.registry.url";
  static final String REGISTRY_TIMEOUT_MS = "conclave.registry.timeout-ms";

  private RegistryAwareErrors() {}

  /** The settings {@link Deserialization} needs, to add to the Streams properties. */
  static Map<String, Object> deadLetterSettings(ConclaveSettings conclave) {
    TopicNames topics = conclave.topics();
    return Map.of(
        DEAD_LETTER_TOPIC,
        topics.deadLetters(),
        DEAD_LETTER_SOURCES,
        String.join(",", topics.decisions(), topics.leadership()),
        REGISTRY_URL,
        conclave.registry().url(),
        REGISTRY_TIMEOUT_MS,
        Long.toString(conclave.registry().requestTimeout().toMillis()));
  }

  /** {@code deserialization.exception.handler}. */
  public static final class Deserialization extends LogAndContinueExceptionHandler {
    private String deadLetterTopic;
    private Set<String> sources = Set.of();
    private Serializer<DeadLetter> letters;

    @Override
    public void configure(Map<String, ?> configs) {
      super.configure(configs);
      Object topic = configs.get(DEAD_LETTER_TOPIC);
      Object url = configs.get(REGISTRY_URL);
      if (topic == null || url == null) {
        return; // no dead letters: every unreadable record is logged and skipped
      }
      deadLetterTopic = topic.toString();
      sources = Set.of(String.valueOf(configs.get(DEAD_LETTER_SOURCES)).split(","));
      Object timeout = configs.get(REGISTRY_TIMEOUT_MS);
      letters =
          new ConclaveSerdes(
                  new RegistrySettings(
                      url.toString(),
                      false,
                      timeout == null
                          ? RegistrySettings.DEFAULT_TIMEOUT
                          : Duration.ofMillis(Long.parseLong(timeout.toString()))))
              .deadLetter()
              .serializer();
    }

    @Override
    public Response handleError(
        ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
      if (SchemaRegistryUnavailableException.in(exception).isPresent()) {
        return Response.fail();
      }
      if (letters == null || !sources.contains(record.topic())) {
        return super.handleError(context, record, exception);
      }
      RuntimeException e =
          exception instanceof RuntimeException r ? r : new IllegalStateException(exception);
      DeadLetter letter =
          DeadLetters.of(
              record.topic(),
              record.partition(),
              record.offset(),
              record.key(),
              record.value(),
              e,
              Instant.now());
      byte[] value;
      try {
        value = letters.serialize(deadLetterTopic, letter);
      } catch (SchemaRegistryUnavailableException away) {
        return Response.fail(); // the record is read again, and dead-lettered then
      }
      log.warn(
          "unreadable record at {}-{}@{} sent to {}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          deadLetterTopic,
          letter.errorMessage());
      return Response.resume(
          List.of(
              new ProducerRecord<>(
                  deadLetterTopic, null, null, record.key(), value, DeadLetters.headers(letter))));
    }
  }

  /** {@code processing.exception.handler}. */
  public static final class Processing extends LogAndContinueProcessingExceptionHandler {
    @Override
    public Response handleError(
        ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      return SchemaRegistryUnavailableException.in(exception).isPresent()
          ? Response.fail()
          : super.handleError(context, record, exception);
    }
  }

  /**
   * Replaces a thread stopped by the registry's absence; anything else stops the projections, as by
   * default.
   */
  static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse uncaught(Throwable e) {
    var away = SchemaRegistryUnavailableException.in(e);
    if (away.isPresent()) {
      log.warn(
          "a projections thread stopped for want of the schema registry ({}); a new one reads on from the last "
              + "commit",
          away.get().getMessage());
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    log.error("projections stopped by an unexpected error", e);
    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }
}
