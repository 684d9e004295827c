package io.conclave.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.Usage;
import java.time.Duration;
import java.util.Objects;

/**
 * The model used when none is configured: no network, and the same prompt always gets the same
 * answer, so sagas, replays and tests are reproducible. It can take a fixed time to answer, to
 * stand in for a real model's latency (benchmarks of I/O-bound agents). Thread-safe.
 */
public final class OfflineModel implements LlmClient {
  /** The name recorded with the offline model's answers. */
  public static final String NAME = "offline";

  private final Duration latency;

  /**
   * @param latency how long each answer takes; zero answers at once
   */
  public OfflineModel(Duration latency) {
    if (Objects.requireNonNull(latency, "latency").isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + latency);
    }
    this.latency = latency;
  }

  /** An offline model that answers at once. */
  public static OfflineModel instant() {
    return new OfflineModel(Duration.ZERO);
  }

  @Override
  public String model() {
    return NAME;
  }

  /**
   * {@code answer <digest of the request>}: of the prompt for one plain user message, of the whole
   * request otherwise; its usage estimated. A request with a {@linkplain
   * ChatRequest#responseSchema() response schema} gets a JSON document of that schema instead,
   * every string in it that answer ({@link #instanceOf}), so that agents asking for structured
   * output run offline too.
   */
  @Override
  public ChatResponse chat(ChatRequest request) {
    String prompt = OpenAiWire.canonical(request);
    if (!latency.isZero()) {
      try {
        Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the offline model was answering", e);
      }
    }
    String text = "answer " + Digests.of(prompt);
    String answer =
        request
            .responseSchema()
            .map(schema -> instanceOf(OpenAiWire.tree(schema.schema()), text).toString())
            .orElse(text);
    return ChatResponse.text(NAME, answer, Usage.estimate(request.text(), answer));
  }

  /**
   * The smallest document of a JSON schema the offline model can tell: every property of an object
   * (required or not), the first of an enum or a const, {@code minItems} copies (at least one) of
   * an array's item, {@code text} for a string, the minimum or 0 for a number, false for a boolean;
   * the first of {@code anyOf}/{@code oneOf}; {@code $ref}s to {@code #/$defs/...} followed.
   */
  static JsonNode instanceOf(JsonNode schema, String text) {
    return instanceOf(schema, schema, text, 0);
  }

  private static JsonNode instanceOf(JsonNode root, JsonNode schema, String text, int depth) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    if (depth > 16 || schema == null || !schema.isObject()) {
      return json.nullNode();
    }
    if (schema.path("$ref").isTextual()) {
      String ref = schema.get("$ref").asText();
      JsonNode target = ref.startsWith("#/") ? root.at(ref.substring(1)) : null;
      return instanceOf(root, target, text, depth + 1);
    }
    if (schema.has("const")) {
      return schema.get("const");
    }
    if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) {
      return schema.get("enum").get(0);
    }
    for (String choice : new String[] {"anyOf", "oneOf", "allOf"}) {
      if (schema.path(choice).isArray() && !schema.get(choice).isEmpty()) {
        return instanceOf(root, schema.get(choice).get(0), text, depth + 1);
      }
    }
    JsonNode type = schema.path("type");
    String kind = type.isArray() && !type.isEmpty() ? type.get(0).asText() : type.asText("object");
    return switch (kind) {
      case "string" -> json.textNode(text);
      case "integer" -> json.numberNode(schema.path("minimum").asLong(0));
      case "number" -> json.numberNode(schema.path("minimum").asDouble(0));
      case "boolean" -> json.booleanNode(false);
      case "null" -> json.nullNode();
      case "array" -> {
        ArrayNode items = json.arrayNode();
        for (int i = 0; i < Math.max(1, schema.path("minItems").asInt(1)); i++) {
          items.add(instanceOf(root, schema.path("items"), text, depth + 1));
        }
        yield items;
      }
      default -> {
        ObjectNode object = json.objectNode();
        schema
            .path("properties")
            .fields()
            .forEachRemaining(
                p -> object.set(p.getKey(), instanceOf(root, p.getValue(), text, depth + 1)));
        yield object;
      }
    };
  }
}
