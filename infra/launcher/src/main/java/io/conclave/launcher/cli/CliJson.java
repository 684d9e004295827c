package io.conclave.launcher.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code --json} answer of a command: one JSON document on one line of standard output, for
 * scripts; written whole, or as a {@link #document document} written as it is read. Records are
 * written by their components; times and durations as ISO-8601 text, as the HTTP API writes them,
 * and an absent value (an empty {@link Optional} or {@link OptionalLong}) as null.
 */
public final class CliJson {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(
              new SimpleModule()
                  .addSerializer(Instant.class, ToStringSerializer.instance)
                  .addSerializer(Duration.class, ToStringSerializer.instance)
                  .addSerializer(
                      OptionalLong.class,
                      new StdSerializer<>(OptionalLong.class) {
                        @Override
                        public void serialize(
                            OptionalLong value, JsonGenerator out, SerializerProvider provider)
                            throws IOException {
                          if (value.isPresent()) {
                            out.writeNumber(value.getAsLong());
                          } else {
                            out.writeNull();
                          }
                        }
                      })
                  .addSerializer(
                      Optional.class,
                      new StdSerializer<>(Optional.class) {
                        @Override
                        public void serialize(
                            Optional value, JsonGenerator out, SerializerProvider provider)
                            throws IOException {
                          if (value.isPresent()) {
                            provider.defaultSerializeValue(value.get(), out);
                          } else {
                            out.writeNull();
                          }
                        }
                      }));

  private CliJson() {}

  /**
   * A document written to {@code out} as it goes, for an answer too long to hold (a replay's
   * records), on one line; closing it flushes without closing {@code out}.
   */
  public static JsonGenerator document(OutputStream out) throws IOException {
    JsonGenerator generator = JSON.getFactory().createGenerator(out);
    generator.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    generator.setRootValueSeparator(null);
    return generator;
  }

  public static String line(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "could not write "
              + value.getClass().getSimpleName()
              + " as JSON: "
              + e.getOriginalMessage(),
          e);
    }
  }
}
