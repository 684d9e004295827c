package io.conclave.projections;

import io.conclave.schemas.SchemaRegistryUnavailableException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projections' answer to records they cannot read. A record that is unreadable in itself is logged and skipped
 * (the coordinator or worker that owns its topic dead-letters it). One read while the schema registry is away is not
 * skipped, since the view would miss it for good: the stream thread fails, its transaction aborts, and
 * {@link #uncaught} replaces the thread, which reads the record again from the committed offset.
 */
public final class RegistryAwareErrors {
  private static final Logger log = LoggerFactory.getLogger(RegistryAwareErrors.class);

  private RegistryAwareErrors() {}

  /** {@code deserialization.exception.handler}. */
  public static final class Deserialization extends LogAndContinueExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
      return SchemaRegistryUnavailableException.in(exception).isPresent() ? Response.fail()
          : super.handleError(context, record, exception);
    }
  }

  /** {@code processing.exception.handler}. */
  public static final class Processing extends LogAndContinueProcessingExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      return SchemaRegistryUnavailableException.in(exception).isPresent() ? Response.fail()
          : super.handleError(context, record, exception);
    }
  }

  /** Replaces a thread stopped by the registry's absence; anything else stops the projections, as by default. */
  static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse uncaught(Throwable e) {
    var away = SchemaRegistryUnavailableException.in(e);
    if (away.isPresent()) {
      log.warn("a projections thread stopped for want of the schema registry ({}); a new one reads on from the last "
          + "commit", away.get().getMessage());
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    log.error("projections stopped by an unexpected error", e);
    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }
}
