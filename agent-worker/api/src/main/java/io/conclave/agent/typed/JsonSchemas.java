package io.conclave.agent.typed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.agent.chat.ResponseSchema;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The JSON schema of a record, for a model's structured answer: an object with every component
 * required and no other property (what strict structured output accepts). Components may be text,
 * numbers, booleans, enums, instants and dates, records, and lists, sets or arrays of those ({@code
 * Optional} is not: every component is required); anything else is refused, so that a schema never
 * promises what {@link Codec} cannot read.
 */
public final class JsonSchemas {
  private JsonSchemas() {}

  /**
   * The response schema of {@code type}, named after it.
   *
   * @throws IllegalArgumentException if {@code type} is not a record, or a component has a type the
   *     schema cannot describe
   */
  public static ResponseSchema of(Class<? extends Record> type) {
    String name = type.getSimpleName().replaceAll("[^A-Za-z0-9_-]", "_");
    return new ResponseSchema(
        name.length() > 64 ? name.substring(0, 64) : name,
        schema(type, new ArrayList<>()).toString());
  }

  private static ObjectNode schema(Type type, List<Class<?>> enclosing) {
    ObjectNode node = Codec.JSON.createObjectNode();
    if (type instanceof ParameterizedType p
        && p.getRawType() instanceof Class<?> raw
        && Collection.class.isAssignableFrom(raw)
        && (raw.isAssignableFrom(List.class) || raw.isAssignableFrom(Set.class))) {
      node.put("type", "array").set("items", schema(p.getActualTypeArguments()[0], enclosing));
      if (Set.class.isAssignableFrom(raw)) {
        node.put("uniqueItems", true);
      }
      return node;
    }
    if (type instanceof GenericArrayType a) {
      return node.put("type", "array").set("items", schema(a.getGenericComponentType(), enclosing));
    }
    if (!(type instanceof Class<?> c)) {
      throw new IllegalArgumentException("no JSON schema for " + type.getTypeName());
    }
    if (c == String.class || c == char.class || c == Character.class) {
      return node.put("type", "string");
    }
    if (c == boolean.class || c == Boolean.class) {
      return node.put("type", "boolean");
    }
    if (c == int.class
        || c == long.class
        || c == short.class
        || c == byte.class
        || c == Integer.class
        || c == Long.class
        || c == Short.class
        || c == Byte.class
        || c == BigInteger.class) {
      return node.put("type", "integer");
    }
    if (c == double.class
        || c == float.class
        || c == Double.class
        || c == Float.class
        || c == BigDecimal.class) {
      return node.put("type", "number");
    }
    if (c == Instant.class || c == OffsetDateTime.class) {
      return node.put("type", "string").put("format", "date-time");
    }
    if (c == LocalDate.class) {
      return node.put("type", "string").put("format", "date");
    }
    if (c.isEnum()) {
      var values = node.put("type", "string").putArray("enum");
      for (Object constant : c.getEnumConstants()) {
        values.add(((Enum<?>) constant).name());
      }
      return node;
    }
    if (c.isArray()) {
      return node.put("type", "array").set("items", schema(c.getComponentType(), enclosing));
    }
    if (c.isRecord()) {
      if (enclosing.contains(c)) {
        throw new IllegalArgumentException(
            "no JSON schema for the recursive record " + c.getName());
      }
      enclosing.add(c);
      node.put("type", "object");
      ObjectNode properties = node.putObject("properties");
      var required = node.putArray("required");
      for (RecordComponent component : c.getRecordComponents()) {
        properties.set(component.getName(), schema(component.getGenericType(), enclosing));
        required.add(component.getName());
      }
      node.put("additionalProperties", false);
      enclosing.remove(enclosing.size() - 1);
      return node;
    }
    throw new IllegalArgumentException(
        "no JSON schema for "
            + c.getName()
            + ": use text, numbers, booleans, enums, records, and lists of them");
  }
}
