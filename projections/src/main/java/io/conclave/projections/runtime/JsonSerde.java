package io.conclave.projections.runtime;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * State-store serde for the projections' own view records and the core records they keep, such as
 * {@code SagaState} (JSON; they never leave this service's stores).
 */
public final class JsonSerde<T> implements Serde<T> {
  private final JsonMapper json;
  private final Argument<T> type;

  public JsonSerde(JsonMapper json, Class<T> type) {
    this.json = json;
    this.type = Argument.of(type);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return json.writeValueAsBytes(value);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + type.getName(), e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return json.readValue(bytes, type);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + type.getName(), e);
      }
    };
  }
}
