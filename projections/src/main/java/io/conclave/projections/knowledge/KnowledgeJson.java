package io.conclave.projections.knowledge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.schemas.CrdtJson;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON of the knowledge API. An entry:
 *
 * <pre>
 * {"key": "team.facts", "type": "or-set", "value": ["kafka", "crdt"], "replicas": ["research-0", "write-1"],
 *  "updatedAt": "2026-11-24T10:00:00Z", "deltas": 7, "state": {"type": "or-set", ...}}
 * </pre>
 *
 * {@code type} is the {@link KnowledgeType#id()}; {@code value} the value alone as JSON ({@link
 * CrdtJson#encodeValue}: a number, an array, a string or null, an object); {@code replicas} the
 * replicas whose updates the state holds, sorted; {@code updatedAt} the time of the newest merged
 * delta; {@code deltas} how many delta records were merged, redeliveries included; {@code state}
 * the full state ({@link CrdtJson#encode}). A page: {@code {"entries": [entry, ...], "truncated":
 * false}}.
 *
 * <p>Instances read each other's answers back ({@link #entry}, {@link #page}) strictly: the fields
 * above and no other, the state decoded by {@link CrdtJson#decode}, its type the one named.
 * Thread-safe.
 */
final class KnowledgeJson {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final Set<String> ENTRY_FIELDS =
      Set.of("key", "type", "value", "replicas", "updatedAt", "deltas", "state");
  private static final Set<String> PAGE_FIELDS = Set.of("entries", "truncated");

  private KnowledgeJson() {}

  static String render(KnowledgeEntry entry) {
    return text(node(entry));
  }

  static String render(KnowledgePage page) {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode entries = node.putArray("entries");
    page.entries().forEach(e -> entries.add(node(e)));
    node.put("truncated", page.truncated());
    return text(node);
  }

  private static ObjectNode node(KnowledgeEntry entry) {
    Crdt crdt = entry.state().crdt();
    ObjectNode node = JSON.createObjectNode();
    node.put("key", entry.key());
    node.put("type", crdt.type().id());
    node.set("value", CrdtJson.valueTree(crdt));
    ArrayNode replicas = node.putArray("replicas");
    new TreeSet<>(crdt.replicas()).forEach(replicas::add);
    node.put("updatedAt", entry.state().updatedAt().toString());
    node.put("deltas", entry.state().deltas());
    node.set("state", CrdtJson.tree(crdt));
    return node;
  }

  /**
   * The entry {@link #render(KnowledgeEntry)} wrote.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code json}
   */
  static KnowledgeEntry entry(String json) {
    return entry(tree(json), "$");
  }

  /**
   * The page {@link #render(KnowledgePage)} wrote.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code json}
   */
  static KnowledgePage page(String json) {
    JsonNode root = object(tree(json), "$", PAGE_FIELDS);
    JsonNode entries = field(root, "entries", "$");
    JsonNode truncated = field(root, "truncated", "$");
    if (!entries.isArray()) {
      throw new IllegalArgumentException("$.entries must be an array");
    }
    if (!truncated.isBoolean()) {
      throw new IllegalArgumentException("$.truncated must be true or false");
    }
    List<KnowledgeEntry> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      out.add(entry(entries.get(i), "$.entries[" + i + "]"));
    }
    return new KnowledgePage(out, truncated.booleanValue());
  }

  private static KnowledgeEntry entry(JsonNode node, String path) {
    object(node, path, ENTRY_FIELDS);
    ENTRY_FIELDS.forEach(name -> field(node, name, path));
    JsonNode key = node.get("key");
    JsonNode type = node.get("type");
    JsonNode updatedAt = node.get("updatedAt");
    JsonNode deltas = node.get("deltas");
    JsonNode state = node.get("state");
    if (!key.isTextual() || !type.isTextual() || !updatedAt.isTextual()) {
      throw new IllegalArgumentException(path + ": key, type and updatedAt must be strings");
    }
    if (!deltas.isIntegralNumber() || !deltas.canConvertToLong()) {
      throw new IllegalArgumentException(path + ".deltas must be a whole number, was " + deltas);
    }
    if (!state.isObject()) {
      throw new IllegalArgumentException(path + ".state must be an object");
    }
    Crdt crdt = CrdtJson.decode(state);
    if (crdt.type() != KnowledgeType.of(type.textValue())) {
      throw new IllegalArgumentException(
          path + ": type " + type.textValue() + " but the state is a " + crdt.type());
    }
    Instant at;
    try {
      at = Instant.parse(updatedAt.textValue());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          path + ".updatedAt is not an ISO-8601 instant: " + updatedAt.textValue());
    }
    return new KnowledgeEntry(key.textValue(), new KnowledgeState(crdt, at, deltas.longValue()));
  }

  private static JsonNode object(JsonNode node, String path, Set<String> fields) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(path + " must be a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new IllegalArgumentException(path + " has an unknown field '" + name + "'");
      }
    }
    return node;
  }

  private static JsonNode field(JsonNode node, String name, String path) {
    JsonNode value = node.get(name);
    if (value == null) {
      throw new IllegalArgumentException(path + " lacks the field '" + name + "'");
    }
    return value;
  }

  private static JsonNode tree(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("no JSON in the text");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String text(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers is always JSON", e);
    }
  }
}
