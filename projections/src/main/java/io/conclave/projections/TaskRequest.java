package io.conclave.projections;

import io.micronaut.json.tree.JsonNode;
import java.util.Map;
import java.util.Set;

/**
 * Body of {@code POST /tasks}, read strictly: an object with a string {@code prompt} and an optional string
 * {@code taskId}, nothing else. No coercion (a number is not a prompt) and no unknown fields, so a client's mistake
 * is a 400 that names it instead of a task nobody meant.
 *
 * @param taskId the idempotency key of the task, or null to have one made
 * @param prompt what the agents should do
 */
record TaskRequest(String taskId, String prompt) {
  private static final Set<String> FIELDS = Set.of("taskId", "prompt");

  static TaskRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object such as {\"prompt\": \"...\"}");
    }
    for (Map.Entry<String, JsonNode> field : body.entries()) {
      if (!FIELDS.contains(field.getKey())) {
        throw new IllegalArgumentException("unknown field '" + field.getKey() + "'; a task has taskId and prompt");
      }
    }
    return new TaskRequest(optionalString(body, "taskId"), requiredString(body, "prompt"));
  }

  private static String requiredString(JsonNode body, String field) {
    String value = optionalString(body, field);
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  private static String optionalString(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      throw new IllegalArgumentException(field + " must be a JSON string");
    }
    return value.getStringValue();
  }
}
