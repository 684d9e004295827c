package io.conclave.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.schemas.avro.KnowledgeStoreState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The store format of a {@link KnowledgeState}, in the projections' knowledge stores and so in
 * their changelog topics: the byte {@value #AVRO} (the format marker), then the Avro binary of a
 * {@code KnowledgeStoreState} record, whose crdt is the same Avro union as a knowledge delta's
 * ({@code CrdtDelta.delta}) and whose {@code updatedAt} keeps the nanoseconds of the model's
 * instant. Maps are written in key order and tags sorted, so equal states are equal bytes. No
 * schema registry is involved: a store holds only what this serde wrote, and the marker names the
 * schema; a later format takes another marker.
 *
 * <p>Earlier versions wrote UTF-8 JSON, {@code {"crdt": <CrdtJson state>, "updatedAt": "<ISO-8601
 * instant>", "deltas": <n>}}; a changelog restored after an upgrade still holds it, so a value
 * whose first byte is <code>'{'</code> is read as that JSON (strictly: exactly these three fields,
 * once each, of these JSON types, no trailing text, a state {@link CrdtJson#decode} accepts). It is
 * never written.
 *
 * <p>A value in neither form, or a form that does not decode to a valid state, is a bug (the store
 * holds only what this serde wrote), so it fails loudly with a {@link SerializationException}
 * saying what is wrong. A state whose time lies outside the years 1677 to 2262 (nanoseconds since
 * the epoch in a long) cannot be written, and fails the same way. Stateless and thread-safe.
 */
public final class KnowledgeStateSerde implements Serde<KnowledgeState> {
  /** The first byte of the Avro form. */
  public static final byte AVRO = 0x01;

  /** The first byte of the JSON form earlier versions wrote: <code>'{'</code>. */
  private static final byte LEGACY_JSON = '{';

  private static final SpecificDatumWriter<KnowledgeStoreState> WRITER =
      new SpecificDatumWriter<>(KnowledgeStoreState.class);
  // a datum reader caches what it resolved; one per thread keeps that cache unshared
  private static final ThreadLocal<SpecificDatumReader<KnowledgeStoreState>> READER =
      ThreadLocal.withInitial(() -> new SpecificDatumReader<>(KnowledgeStoreState.class));

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final Set<String> FIELDS = Set.of("crdt", "updatedAt", "deltas");

  /**
   * The store value of {@code state}: the marker {@value #AVRO}, then the Avro binary.
   *
   * @throws IllegalArgumentException if the state's time cannot be written (see the class comment)
   */
  public static byte[] encode(KnowledgeState state) {
    KnowledgeStoreState avro =
        new KnowledgeStoreState(
            AvroMapping.crdtToAvro(state.crdt()), state.updatedAt(), state.deltas());
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(AVRO);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      WRITER.write(avro, encoder);
      encoder.flush();
    } catch (ArithmeticException e) {
      // the time as nanoseconds since the epoch overflows a long
      throw new IllegalArgumentException(
          "knowledge state time " + state.updatedAt() + " does not fit the store format", e);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory does not fail", e);
    }
    return out.toByteArray();
  }

  /**
   * The state of a store value, in either form (see the class comment).
   *
   * @throws IllegalArgumentException saying what is wrong with {@code bytes}
   */
  public static KnowledgeState decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("malformed knowledge state: no bytes");
    }
    if (bytes[0] == AVRO) {
      return decodeAvro(bytes);
    }
    if (bytes[0] == LEGACY_JSON) {
      return decodeJson(new String(bytes, StandardCharsets.UTF_8));
    }
    throw new IllegalArgumentException(
        String.format(
            "malformed knowledge state: unknown format marker 0x%02x (the Avro form starts with"
                + " 0x%02x, the JSON of earlier versions with '{')",
            bytes[0], AVRO));
  }

  private static KnowledgeState decodeAvro(byte[] bytes) {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
    KnowledgeStoreState avro;
    boolean rest;
    try {
      avro = READER.get().read(null, decoder);
      rest = !decoder.isEnd();
    } catch (IOException | RuntimeException e) {
      // an IOException when the record ends early; a runtime exception (Avro's, an index out of
      // bounds) when the bytes are not this record
      throw new IllegalArgumentException("malformed knowledge state: not the Avro form: " + e, e);
    }
    if (rest) {
      throw new IllegalArgumentException(
          "malformed knowledge state: bytes left after the Avro record");
    }
    try {
      return new KnowledgeState(
          AvroMapping.crdtFromAvro(avro.getCrdt()), avro.getUpdatedAt(), avro.getDeltas());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed knowledge state: " + e.getMessage(), e);
    }
  }

  /**
   * The state of the JSON earlier versions wrote.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code json}
   */
  static KnowledgeState decodeJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "malformed knowledge state: not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("malformed knowledge state: not a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException(
            "malformed knowledge state: unknown field '" + name + "'");
      }
    }
    JsonNode crdt = required(root, "crdt");
    JsonNode updatedAt = required(root, "updatedAt");
    JsonNode deltas = required(root, "deltas");
    if (!crdt.isObject()) {
      throw new IllegalArgumentException("malformed knowledge state: crdt must be an object");
    }
    if (!updatedAt.isTextual()) {
      throw new IllegalArgumentException("malformed knowledge state: updatedAt must be a string");
    }
    if (!deltas.isIntegralNumber() || !deltas.canConvertToLong()) {
      throw new IllegalArgumentException(
          "malformed knowledge state: deltas must be a whole number, was " + deltas);
    }
    Instant at;
    try {
      at = Instant.parse(updatedAt.textValue());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "malformed knowledge state: updatedAt is not an ISO-8601 instant: "
              + updatedAt.textValue(),
          e);
    }
    try {
      return new KnowledgeState(CrdtJson.decode(crdt), at, deltas.longValue());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed knowledge state: " + e.getMessage(), e);
    }
  }

  private static JsonNode required(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null) {
      throw new IllegalArgumentException(
          "malformed knowledge state: the field '" + field + "' is missing");
    }
    return node;
  }

  @Override
  public Serializer<KnowledgeState> serializer() {
    return (topic, state) -> {
      if (state == null) {
        return null;
      }
      try {
        return encode(state);
      } catch (IllegalArgumentException e) {
        throw new SerializationException(
            "unwritable knowledge state for " + topic + ": " + e.getMessage(), e);
      }
    };
  }

  @Override
  public Deserializer<KnowledgeState> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return decode(bytes);
      } catch (IllegalArgumentException e) {
        throw new SerializationException(
            "unreadable knowledge state in " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
