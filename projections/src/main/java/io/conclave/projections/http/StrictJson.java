package io.conclave.projections.http;

import io.micronaut.json.tree.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Strict reading of small JSON request bodies: no coercion (a number is not a string), no unknown
 * fields, so a client's mistake is a 400 ({@link IllegalArgumentException}) that names it instead
 * of a guess.
 */
public final class StrictJson {
  private StrictJson() {}

  /**
   * Checks that {@code body} is an object with no field outside {@code fields}; {@code example}
   * shows one.
   */
  public static void requireObject(JsonNode body, Set<String> fields, String example) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object such as " + example);
    }
    for (Map.Entry<String, JsonNode> field : body.entries()) {
      requireKnown(field.getKey(), fields);
    }
  }

  /** Checks that {@code field} is one of {@code fields}. */
  public static void requireKnown(Object field, Set<String> fields) {
    if (!fields.contains(String.valueOf(field))) {
      throw new IllegalArgumentException(
          "unknown field '"
              + field
              + "'; expected "
              + String.join(", ", fields.stream().sorted().toList()));
    }
  }

  /**
   * {@code node} as the plain maps, lists, strings, numbers, booleans and nulls a JSON or YAML
   * parser makes.
   */
  public static Object plain(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.entries().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.values().forEach(v -> list.add(plain(v)));
      return list;
    }
    if (node.isString()) {
      return node.getStringValue();
    }
    if (node.isNumber()) {
      return node.getNumberValue();
    }
    return node.isBoolean() ? node.getBooleanValue() : null;
  }

  /** The field's string, or null if it is absent or JSON null. */
  public static String optionalString(JsonNode body, String field) {
    JsonNode value = optional(body, field, JsonNode::isString, "string");
    return value == null ? null : value.getStringValue();
  }

  /** The field's boolean, or null if it is absent or JSON null. */
  public static Boolean optionalBoolean(JsonNode body, String field) {
    JsonNode value = optional(body, field, JsonNode::isBoolean, "boolean (true or false)");
    return value == null ? null : value.getBooleanValue();
  }

  /** The field's whole number >= 0, or null if it is absent or JSON null. */
  public static Long optionalOffset(JsonNode body, String field) {
    JsonNode value = optional(body, field, JsonNode::isNumber, "number");
    if (value == null) {
      return null;
    }
    long offset;
    try {
      offset = new BigDecimal(value.getNumberValue().toString()).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          field + " must be a whole number, was " + value.getNumberValue());
    }
    return offset(field, offset);
  }

  /**
   * The field's value, or null if it is absent or JSON null; one of another JSON type is refused.
   */
  private static JsonNode optional(
      JsonNode body, String field, Predicate<JsonNode> isType, String type) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!isType.test(value)) {
      throw new IllegalArgumentException(field + " must be a JSON " + type);
    }
    return value;
  }

  /** The field's ISO-8601 instant, or null if it is absent or JSON null. */
  public static Instant optionalInstant(JsonNode body, String field) {
    String text = optionalString(body, field);
    return text == null ? null : instant(field, text);
  }

  public static Instant instant(String field, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          field + " must be an ISO-8601 instant such as 2026-11-24T10:00:00Z, was '" + text + "'");
    }
  }

  public static long offset(String field, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + offset);
    }
    return offset;
  }

  /** A query parameter's whole number, or null if absent or blank. */
  public static Long optionalLong(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return new BigInteger(text.trim()).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(field + " must be a whole number, was '" + text + "'");
    }
  }
}
