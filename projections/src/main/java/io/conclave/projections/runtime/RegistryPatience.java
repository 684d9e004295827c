package io.conclave.projections.runtime;

import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serdes of the projections' input that wait for the schema registry. A stream thread that meets a
 * schema it has not read yet while the registry is away waits here, polling it, and carries on
 * where it was once it answers; the records keep their order and none is skipped. Waiting in place
 * is what a stream thread does best: failing it instead would abort its transaction and replace the
 * thread, a path of Kafka Streams that has left tasks stuck. After {@link #MAX_WAIT} (within the
 * default {@code max.poll.interval.ms}) the failure goes up, and {@link RegistryAwareErrors} takes
 * over; as soon as the instance is stopping, too, so that a shutdown or a rebuild does not wait for
 * the registry (the thread's transaction aborts, and its records are read again on the next start).
 */
public final class RegistryPatience {
  private static final Logger log = LoggerFactory.getLogger(RegistryPatience.class);
  static final Duration MAX_WAIT = Duration.ofMinutes(4);
  private static final Duration POLL = Duration.ofSeconds(1);

  private RegistryPatience() {}

  /** {@code serde} whose deserializer waits for the registry, unless or until {@code stopping}. */
  public static <T> Serde<T> patient(Serde<T> serde, BooleanSupplier stopping) {
    return Serdes.serdeFrom(serde.serializer(), new Waiting<>(serde.deserializer(), stopping));
  }

  private record Waiting<T>(Deserializer<T> inner, BooleanSupplier stopping)
      implements Deserializer<T> {
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
      inner.configure(configs, isKey);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
      return deserialize(topic, null, data);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
      long deadline = System.nanoTime() + MAX_WAIT.toNanos();
      boolean waited = false;
      while (true) {
        try {
          T value =
              headers == null
                  ? inner.deserialize(topic, data)
                  : inner.deserialize(topic, headers, data);
          if (waited) {
            log.info("the schema registry answers again; reading {} on", topic);
          }
          return value;
        } catch (RuntimeException e) {
          var away = SchemaRegistryUnavailableException.in(e);
          if (away.isEmpty() || System.nanoTime() - deadline > 0) {
            throw e;
          }
          if (stopping.getAsBoolean()) {
            if (waited) {
              log.info(
                  "reading {} stops waiting for the schema registry: the projections are stopping",
                  topic);
            }
            throw e;
          }
          if (!waited) {
            log.warn(
                "reading {} waits for the schema registry: {}", topic, away.get().getMessage());
            waited = true;
          }
          sleep();
        }
      }
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryUnavailableException(
          "interrupted while waiting for the schema registry", e);
    }
  }
}
