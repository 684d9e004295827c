package io.conclave.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.model.Require;
import io.conclave.model.crdt.CausalContext;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.Dot;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.Hlc;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.crdt.LwwMap;
import io.conclave.model.crdt.LwwRegister;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.crdt.Stamp;
import io.conclave.model.eventlog.KnowledgeUpdate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every {@link Crdt} as JSON text, and back. On Kafka, CRDT state is Avro (the union of {@code
 * CrdtDelta.delta}, in every record that holds some); this JSON form has exactly two uses: the HTTP
 * API, which shows states and values ({@code GET /knowledge/{key}}, the decisions of {@code GET
 * /agents/{id}/decisions}) and reads the answers of peer instances back; and reading what earlier
 * versions wrote as JSON: knowledge store values and their changelogs ({@link
 * KnowledgeStateSerde}), the {@code knowledge} string of agent snapshots ({@link #decodeByKey}),
 * and the payload of KNOWLEDGE decisions ({@link #decodeUpdate}).
 *
 * <p>One object with a {@code type} field ({@link KnowledgeType#id()}), then the type's fields;
 * maps are written in key order, so equal states encode to equal text.
 *
 * <pre>
 * {"type":"g-counter","counts":{"research-0":3,"write-1":2}}
 * {"type":"pn-counter","increments":{"research-0":3},"decrements":{"write-1":1}}
 * {"type":"or-set","entries":{"kafka":{"research-0":[4]}},"seen":{"versions":{"research-0":4},"cloud":{"write-1":[7]}}}
 * {"type":"lww-register","value":"draft 2","stamp":{"millis":1767225600000,"counter":0,"replica":"write-1"}}
 * {"type":"lww-map","entries":{"title":{"value":"CRDTs","stamp":{...}},"gone":{"stamp":{...}}}}
 * </pre>
 *
 * An OR-Set's tags are grouped by replica ({@code {replica: [counters]}}); a register without
 * {@code value} is cleared, one without {@code stamp} was never written ({@code
 * {"type":"lww-register"}}).
 *
 * <p>Decoding is strict: unknown or duplicate fields, missing ones, a JSON null, a fraction where a
 * whole number belongs and trailing text are all rejected, as are states the types themselves
 * reject. Thread-safe.
 */
public final class CrdtJson {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final JsonNodeFactory NODES = JSON.getNodeFactory();

  private CrdtJson() {}

  /** The state as JSON text. */
  public static String encode(Crdt crdt) {
    return text(tree(crdt));
  }

  /** The state as a JSON tree, for a document that embeds it (no detour through text). */
  public static ObjectNode tree(Crdt crdt) {
    Require.present(crdt, "crdt");
    ObjectNode node = NODES.objectNode().put("type", crdt.type().id());
    // one type per CRDT class, and a switch without default: a new type does not compile until it
    // is written
    return switch (crdt.type()) {
      case G_COUNTER -> {
        node.set("counts", counts((GCounter) crdt));
        yield node;
      }
      case PN_COUNTER -> {
        PNCounter p = (PNCounter) crdt;
        node.set("increments", counts(p.increments()));
        node.set("decrements", counts(p.decrements()));
        yield node;
      }
      case OR_SET -> {
        OrSet s = (OrSet) crdt;
        ObjectNode entries = node.putObject("entries");
        s.entries().forEach((element, dots) -> entries.set(element, dots(dots)));
        ObjectNode seen = node.putObject("seen");
        seen.set("versions", longs(s.seen().versions()));
        seen.set("cloud", dots(s.seen().cloud()));
        yield node;
      }
      case LWW_REGISTER -> {
        write(node, (LwwRegister) crdt);
        yield node;
      }
      case LWW_MAP -> {
        ObjectNode entries = node.putObject("entries");
        ((LwwMap) crdt)
            .entries()
            .forEach((key, register) -> write(entries.putObject(key), register));
        yield node;
      }
    };
  }

  /**
   * The value alone, as JSON text, for showing: a number for the counters, an array of strings for
   * the OR-Set, a string (or {@code null} if it has none) for the register and an object of strings
   * for the map.
   */
  public static String encodeValue(Crdt crdt) {
    return text(valueTree(crdt));
  }

  /** The value alone as a JSON tree, as {@link #encodeValue} writes it. */
  public static JsonNode valueTree(Crdt crdt) {
    Require.present(crdt, "crdt");
    return switch (crdt.type()) {
      case G_COUNTER -> NODES.numberNode(((GCounter) crdt).value());
      case PN_COUNTER -> NODES.numberNode(((PNCounter) crdt).value());
      case OR_SET -> {
        ArrayNode elements = NODES.arrayNode();
        ((OrSet) crdt).value().forEach(elements::add);
        yield elements;
      }
      case LWW_REGISTER ->
          ((LwwRegister) crdt).value().<JsonNode>map(NODES::textNode).orElse(NODES.nullNode());
      case LWW_MAP -> {
        ObjectNode map = NODES.objectNode();
        ((LwwMap) crdt).value().forEach(map::put);
        yield map;
      }
    };
  }

  /**
   * The state {@link #encode} wrote.
   *
   * @throws IllegalArgumentException if {@code json} is not the JSON of a state, saying what is
   *     wrong and where
   */
  public static Crdt decode(String json) {
    Require.present(json, "json");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed CRDT: not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException("malformed CRDT: no JSON in the text");
    }
    return decode(root);
  }

  /**
   * The state {@link #tree} made, from a JSON tree a document embeds. Strict as {@link
   * #decode(String)}, except that duplicate fields are the concern of whoever parsed the document.
   *
   * @throws IllegalArgumentException if the tree is not a state, saying what is wrong and where
   */
  public static Crdt decode(JsonNode root) {
    Require.present(root, "root");
    KnowledgeType type = null;
    try {
      type = KnowledgeType.of(text(field(object(root, "$"), "type", "$"), "$.type"));
      return decode(type, root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "malformed " + (type == null ? "CRDT" : type) + ": " + e.getMessage(), e);
    }
  }

  /**
   * The state {@link #encode} wrote, which must be of {@code type}.
   *
   * @throws IllegalArgumentException if {@code json} is not the JSON of a state of that type
   */
  public static <T extends Crdt> T decode(String json, Class<T> type) {
    Crdt crdt = decode(json);
    if (!type.isInstance(crdt)) {
      throw new IllegalArgumentException(
          "expected " + type.getSimpleName() + " but the JSON holds " + crdt.type());
    }
    return type.cast(crdt);
  }

  private static Crdt decode(KnowledgeType type, JsonNode root) {
    return switch (type) {
      case G_COUNTER -> {
        object(root, "$", "type", "counts");
        yield counter(field(root, "counts", "$"), "$.counts");
      }
      case PN_COUNTER -> {
        object(root, "$", "type", "increments", "decrements");
        yield new PNCounter(
            counter(field(root, "increments", "$"), "$.increments"),
            counter(field(root, "decrements", "$"), "$.decrements"));
      }
      case OR_SET -> {
        object(root, "$", "type", "entries", "seen");
        Map<String, Set<Dot>> entries = new HashMap<>();
        fields(object(field(root, "entries", "$"), "$.entries"))
            .forEach((element, dots) -> entries.put(element, dots(dots, "$.entries." + element)));
        JsonNode seen = object(field(root, "seen", "$"), "$.seen", "versions", "cloud");
        yield new OrSet(
            entries,
            new CausalContext(
                longs(field(seen, "versions", "$.seen"), "$.seen.versions"),
                dots(field(seen, "cloud", "$.seen"), "$.seen.cloud")));
      }
      case LWW_REGISTER -> register(object(root, "$", "type", "value", "stamp"), "$");
      case LWW_MAP -> {
        object(root, "$", "type", "entries");
        Map<String, LwwRegister> registers = new HashMap<>();
        fields(object(field(root, "entries", "$"), "$.entries"))
            .forEach(
                (key, register) ->
                    registers.put(
                        key,
                        register(
                            object(register, "$.entries." + key, "value", "stamp"),
                            "$.entries." + key)));
        yield new LwwMap(registers);
      }
    };
  }

  /**
   * A knowledge update as JSON text, {@code {"key": <key>, "delta": <state>}}: the payload of the
   * KNOWLEDGE decisions written before the update travelled typed, and how the HTTP API still shows
   * those decisions.
   */
  public static String encodeUpdate(KnowledgeUpdate update) {
    Require.present(update, "update");
    ObjectNode node = NODES.objectNode().put("key", update.key());
    node.set("delta", tree(update.delta()));
    return text(node);
  }

  /**
   * The update {@link #encodeUpdate} wrote: read from the payload of a KNOWLEDGE decision written
   * before the update travelled typed.
   *
   * @throws IllegalArgumentException if the text is not such an update, saying what is wrong
   */
  public static KnowledgeUpdate decodeUpdate(String json) {
    JsonNode node = parse(json, "knowledge update");
    if (!node.isObject()
        || !node.path("key").isTextual()
        || !node.path("delta").isObject()
        || node.size() != 2) {
      throw new IllegalArgumentException(
          "a knowledge update must be {\"key\": <text>, \"delta\": <CRDT>}");
    }
    return new KnowledgeUpdate(node.get("key").textValue(), decode(node.get("delta")));
  }

  /**
   * States by knowledge key as JSON text, {@code {<key>: <state>, ...}} in key order: an agent's
   * own knowledge as the snapshots written before it travelled as Avro held it.
   */
  public static String encodeByKey(Map<String, Crdt> byKey) {
    ObjectNode node = NODES.objectNode();
    new TreeMap<>(Require.present(byKey, "byKey"))
        .forEach((key, crdt) -> node.set(key, tree(crdt)));
    return text(node);
  }

  /**
   * The states {@link #encodeByKey} wrote, in key order: read from the {@code knowledge} string of
   * a snapshot written before an agent's knowledge travelled as Avro.
   *
   * @throws IllegalArgumentException if the text is not such an object, saying what is wrong
   */
  public static Map<String, Crdt> decodeByKey(String json) {
    JsonNode node = parse(json, "replica's knowledge");
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "a replica's knowledge must be a JSON object of knowledge keys, was "
              + node.getNodeType());
    }
    Map<String, Crdt> byKey = new TreeMap<>();
    fields(node).forEach((key, state) -> byKey.put(key, decode(state)));
    return byKey;
  }

  private static JsonNode parse(String json, String what) {
    Require.present(json, "json");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "malformed " + what + ": not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException("malformed " + what + ": no JSON in the text");
    }
    return root;
  }

  // --- encoding

  private static ObjectNode counts(GCounter counter) {
    return longs(counter.counts());
  }

  private static ObjectNode longs(Map<String, Long> map) {
    ObjectNode node = NODES.objectNode();
    map.forEach(node::put);
    return node;
  }

  /** Dots grouped by replica: {@code {replica: [counter, ...]}}, both in order. */
  private static ObjectNode dots(Set<Dot> dots) {
    ObjectNode node = NODES.objectNode();
    for (Dot dot : new TreeSet<>(dots)) {
      ArrayNode counters =
          node.has(dot.replica())
              ? (ArrayNode) node.get(dot.replica())
              : node.putArray(dot.replica());
      counters.add(dot.counter());
    }
    return node;
  }

  private static void write(ObjectNode node, LwwRegister register) {
    register.value().ifPresent(v -> node.put("value", v));
    register
        .stamp()
        .ifPresent(
            s ->
                node.putObject("stamp")
                    .put("millis", s.hlc().millis())
                    .put("counter", s.hlc().counter())
                    .put("replica", s.replica()));
  }

  private static String text(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers is always JSON", e);
    }
  }

  // --- decoding; path is where the node sits, in JSONPath-like notation, for the error message

  private static GCounter counter(JsonNode node, String path) {
    return new GCounter(longs(node, path));
  }

  private static Map<String, Long> longs(JsonNode node, String path) {
    Map<String, Long> map = new HashMap<>();
    fields(object(node, path)).forEach((key, n) -> map.put(key, whole(n, path + "." + key)));
    return map;
  }

  private static Set<Dot> dots(JsonNode node, String path) {
    Set<Dot> dots = new HashSet<>();
    fields(object(node, path))
        .forEach(
            (replica, counters) -> {
              String at = path + "." + replica;
              if (!counters.isArray()) {
                throw malformed(at, "must be an array of counters, was " + counters.getNodeType());
              }
              for (int i = 0; i < counters.size(); i++) {
                if (!dots.add(new Dot(replica, whole(counters.get(i), at + "[" + i + "]")))) {
                  throw malformed(at, "lists counter " + counters.get(i) + " twice");
                }
              }
            });
    return dots;
  }

  private static LwwRegister register(JsonNode node, String path) {
    Optional<String> value =
        node.has("value")
            ? Optional.of(text(node.get("value"), path + ".value"))
            : Optional.empty();
    Optional<Stamp> stamp = Optional.empty();
    if (node.has("stamp")) {
      String at = path + ".stamp";
      JsonNode s = object(node.get("stamp"), at, "millis", "counter", "replica");
      long counter = whole(field(s, "counter", at), at + ".counter");
      if (counter > Integer.MAX_VALUE) {
        throw malformed(at + ".counter", "is larger than " + Integer.MAX_VALUE);
      }
      stamp =
          Optional.of(
              new Stamp(
                  new Hlc(whole(field(s, "millis", at), at + ".millis"), (int) counter),
                  text(field(s, "replica", at), at + ".replica")));
    }
    return new LwwRegister(value, stamp);
  }

  /**
   * {@code node} as an object; with {@code allowed} field names given, one with any other field is
   * rejected.
   */
  private static JsonNode object(JsonNode node, String path, String... allowed) {
    if (!node.isObject()) {
      throw malformed(path, "must be an object, was " + node.getNodeType());
    }
    if (allowed.length > 0) {
      Set<String> known = Set.of(allowed);
      for (String name : fields(node).keySet()) {
        if (!known.contains(name)) {
          throw malformed(
              path, "has an unknown field '" + name + "'; allowed: " + String.join(", ", allowed));
        }
      }
    }
    return node;
  }

  private static Map<String, JsonNode> fields(JsonNode object) {
    Map<String, JsonNode> fields = new TreeMap<>();
    object.properties().forEach(field -> fields.put(field.getKey(), field.getValue()));
    return fields;
  }

  private static JsonNode field(JsonNode object, String name, String path) {
    JsonNode value = object.get(name);
    if (value == null) {
      throw malformed(path, "lacks the field '" + name + "'");
    }
    return value;
  }

  private static String text(JsonNode node, String path) {
    if (!node.isTextual()) {
      throw malformed(path, "must be a string, was " + node.getNodeType());
    }
    return node.textValue();
  }

  private static long whole(JsonNode node, String path) {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw malformed(path, "must be a whole number that fits a long, was " + node);
    }
    return node.longValue();
  }

  private static IllegalArgumentException malformed(String path, String problem) {
    return new IllegalArgumentException(path + " " + problem);
  }
}
