package io.conclave.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.schemas.ConclaveSerdes;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Prints records as one JSON object per line: topic, partition, offset, timestamp, key and value. Avro payloads
 * are decoded with their registered schema; anything else is shown as text (or base64 if it is not text).
 */
final class RecordPrinter {
  private static final ObjectMapper json = new ObjectMapper();

  private final Deserializer<String> keys;
  private final Deserializer<String> values;
  private final PrintStream out;

  RecordPrinter(ConclaveSerdes serdes, PrintStream out) {
    this.keys = serdes.anyAsJson(true);
    this.values = serdes.anyAsJson(false);
    this.out = out;
  }

  /** The record as a JSON object. */
  ObjectNode toJson(ConsumerRecord<byte[], byte[]> r) {
    ObjectNode line = json.createObjectNode();
    line.put("topic", r.topic());
    line.put("partition", r.partition());
    line.put("offset", r.offset());
    line.put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
    line.set("key", decode(keys, r.topic(), r.key()));
    line.set("value", decode(values, r.topic(), r.value()));
    return line;
  }

  void print(ConsumerRecord<byte[], byte[]> r) {
    out.println(toJson(r).toString());
  }

  private static JsonNode decode(Deserializer<String> avro, String topic, byte[] bytes) {
    if (bytes == null) {
      return json.nullNode();
    }
    if (bytes.length > 0 && bytes[0] == 0) { // registry framing: magic byte, then the schema's global id
      try {
        return json.readTree(avro.deserialize(topic, bytes));
      } catch (Exception e) {
        // not a registry payload after all: show it raw
      }
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    boolean printable = text.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD || c == '\n' || c == '\t');
    return printable ? json.getNodeFactory().textNode(text)
        : json.createObjectNode().put("base64", Base64.getEncoder().encodeToString(bytes));
  }
}
