package io.conclave.runtime.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.schemas.ConclaveSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A raw record as one JSON object: {@code topic}, {@code partition}, {@code offset}, {@code
 * timestamp} (ISO-8601), {@code key} and {@code value}. Avro payloads are decoded with their
 * registered schema; anything else is shown as text, or as {@code {"base64": ...}} if it is not
 * text; a null key or value (a tombstone) is JSON null.
 *
 * <p>Thread-safe: the registry deserializers cache schemas for concurrent use.
 */
public final class RecordJson {
  private static final ObjectMapper json = new ObjectMapper();

  private final Deserializer<String> keys;
  private final Deserializer<String> values;

  public RecordJson(ConclaveSerdes serdes) {
    this(serdes.anyAsJson(true), serdes.anyAsJson(false));
  }

  /** With the given decoders of registry-framed payloads (Avro as JSON text). */
  RecordJson(Deserializer<String> keys, Deserializer<String> values) {
    this.keys = keys;
    this.values = values;
  }

  /** The record as a JSON object. */
  public ObjectNode toJson(ConsumerRecord<byte[], byte[]> r) {
    ObjectNode line = json.createObjectNode();
    line.put("topic", r.topic());
    line.put("partition", r.partition());
    line.put("offset", r.offset());
    line.put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
    line.set("key", decode(keys, r.topic(), r.key()));
    line.set("value", decode(values, r.topic(), r.value()));
    return line;
  }

  private static JsonNode decode(Deserializer<String> avro, String topic, byte[] bytes) {
    if (bytes == null) {
      return json.nullNode();
    }
    if (bytes.length > 0
        && bytes[0] == 0) { // registry framing: magic byte, then the schema's id (8 or 4 bytes)
      try {
        return json.readTree(avro.deserialize(topic, bytes));
      } catch (Exception e) {
        // not a registry payload after all: show it raw
      }
    }
    return text(bytes)
        .<JsonNode>map(json.getNodeFactory()::textNode)
        .orElseGet(
            () -> json.createObjectNode().put("base64", Base64.getEncoder().encodeToString(bytes)));
  }

  /**
   * The bytes as text, if they are printable UTF-8 (tabs and newlines allowed); empty for null or
   * binary bytes.
   */
  public static Optional<String> text(byte[] bytes) {
    if (bytes == null) {
      return Optional.empty();
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    boolean printable =
        text.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD || c == '\n' || c == '\t');
    return printable ? Optional.of(text) : Optional.empty();
  }
}
