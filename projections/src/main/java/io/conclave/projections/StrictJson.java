package io.conclave.projections;

import io.micronaut.json.tree.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * Strict reading of small JSON request bodies: no coercion (a number is not a string), no unknown fields, so a
 * client's mistake is a 400 ({@link IllegalArgumentException}) that names it instead of a guess.
 */
final class StrictJson {
  private StrictJson() {}

  /** Checks that {@code body} is an object with no field outside {@code fields}; {@code example} shows one. */
  static void requireObject(JsonNode body, Set<String> fields, String example) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object such as " + example);
    }
    for (Map.Entry<String, JsonNode> field : body.entries()) {
      if (!fields.contains(field.getKey())) {
        throw new IllegalArgumentException("unknown field '" + field.getKey() + "'; expected " + String.join(", ",
            fields.stream().sorted().toList()));
      }
    }
  }

  /** The field's string, or null if it is absent or JSON null. */
  static String optionalString(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      throw new IllegalArgumentException(field + " must be a JSON string");
    }
    return value.getStringValue();
  }

  /** The field's whole number >= 0, or null if it is absent or JSON null. */
  static Long optionalOffset(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException(field + " must be a JSON number");
    }
    long offset;
    try {
      offset = new BigDecimal(value.getNumberValue().toString()).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(field + " must be a whole number, was " + value.getNumberValue());
    }
    return offset(field, offset);
  }

  /** The field's ISO-8601 instant, or null if it is absent or JSON null. */
  static Instant optionalInstant(JsonNode body, String field) {
    String text = optionalString(body, field);
    return text == null ? null : instant(field, text);
  }

  static Instant instant(String field, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + " must be an ISO-8601 instant such as 2026-11-24T10:00:00Z, was '"
          + text + "'");
    }
  }

  static long offset(String field, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + offset);
    }
    return offset;
  }

  /** A query parameter's whole number, or null if absent or blank. */
  static Long optionalLong(String field, String text) {
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
