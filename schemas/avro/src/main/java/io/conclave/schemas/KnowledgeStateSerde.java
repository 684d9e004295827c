package io.conclave.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.conclave.model.crdt.CrdtJson;
import io.conclave.model.knowledge.KnowledgeState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The store format of a {@link KnowledgeState}: UTF-8 JSON {@code {"crdt": <CrdtJson state>,
 * "updatedAt": "<ISO-8601 instant>", "deltas": <n>}}, the crdt as {@link CrdtJson#encode} writes it
 * (so equal states are equal bytes).
 *
 * <p>Decoding is strict: exactly these three fields, once each, of these JSON types, no trailing
 * text, and a state {@link CrdtJson#decode} accepts. A store value it refuses is a bug (the store
 * holds only what this serde wrote), so it fails loudly with a {@link SerializationException}
 * saying what is wrong. Stateless and thread-safe.
 */
public final class KnowledgeStateSerde implements Serde<KnowledgeState> {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final Set<String> FIELDS = Set.of("crdt", "updatedAt", "deltas");

  /** The JSON text of {@code state}. */
  public static String encode(KnowledgeState state) {
    // Instant.toString and a long need no escaping; the crdt is already JSON
    return "{\"crdt\":"
        + CrdtJson.encode(state.crdt())
        + ",\"updatedAt\":\""
        + state.updatedAt()
        + "\",\"deltas\":"
        + state.deltas()
        + "}";
  }

  /**
   * The state {@link #encode} wrote.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code json}
   */
  public static KnowledgeState decode(String json) {
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
    return (topic, state) -> state == null ? null : encode(state).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Deserializer<KnowledgeState> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return decode(new String(bytes, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new SerializationException(
            "unreadable knowledge state in " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
