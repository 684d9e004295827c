package io.conclave.agent.typed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Objects;

/**
 * How a value of type {@code T} travels as text: a step's input and output, a decision's payload,
 * an agent's state, a model's structured answer. {@link #of} gives Jackson's JSON for records and
 * other beans (with {@code Optional} and {@code java.time} types, times as ISO-8601 text), and the
 * text itself for {@code String}, so that a step whose output is plain text stays plain text for
 * the next step.
 *
 * <p>Codecs are immutable and thread-safe.
 *
 * @param <T> the value type
 */
public final class Codec<T> {
  // one mapper for every codec: Jackson's mappers are thread-safe once configured. Records map by
  // their components' names, and a record that gains a component still reads older text
  // (FAIL_ON_NULL_CREATOR_PROPERTIES is off); a property the type does not have is refused, so a
  // misspelled field is an error, not a silent default.
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          // an Instant reads as 2026-01-01T00:00:00Z, in payloads, states and the model's answers
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .build();

  private final Class<T> type;

  private Codec(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  /** The codec of {@code type}: the text itself for {@code String}, JSON for anything else. */
  public static <T> Codec<T> of(Class<T> type) {
    return new Codec<>(type);
  }

  /** {@code value} encoded by the codec of its own class: as text if it is one, else as JSON. */
  @SuppressWarnings("unchecked")
  public static <V> String textOf(V value) {
    return of((Class<V>) value.getClass()).encode(value);
  }

  public Class<T> type() {
    return type;
  }

  /**
   * The value as text.
   *
   * @throws IllegalArgumentException if Jackson cannot write the value (a type it does not know)
   */
  public String encode(T value) {
    Objects.requireNonNull(value, () -> "a " + type.getSimpleName() + " to encode");
    if (type == String.class) {
      return (String) value;
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write a " + type.getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The value {@code text} encodes.
   *
   * @throws IllegalArgumentException if the text is not JSON of the type (the message names the
   *     type and what is wrong, not the text, which may be long or private)
   */
  public T decode(String text) {
    Objects.requireNonNull(text, "text");
    if (type == String.class) {
      return type.cast(text);
    }
    try {
      T value = JSON.readValue(text, type);
      if (value == null) {
        throw new IllegalArgumentException("null is not a " + type.getSimpleName());
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a " + type.getSimpleName() + " in JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Codec[" + type.getName() + "]";
  }
}
