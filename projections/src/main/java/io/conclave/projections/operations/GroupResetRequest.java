package io.conclave.projections.operations;

import io.conclave.projections.http.StrictJson;
import io.conclave.runtime.readers.LogPosition;
import io.micronaut.json.tree.JsonNode;
import java.time.Instant;
import java.util.Set;

/**
 * Body of {@code POST /admin/groups/{group}/reset}: {@code {"topic": "tasks", "toOffset": N}} or
 * {@code {"topic": "tasks", "toTime": "2026-11-24T10:00:00Z"}}.
 *
 * @param topic the topic as given (short or full name), non-blank
 * @param to where to move the group's offsets on it
 */
record GroupResetRequest(String topic, LogPosition to) {
  private static final Set<String> FIELDS = Set.of("topic", "toOffset", "toTime");

  /**
   * @throws IllegalArgumentException naming what is wrong
   */
  static GroupResetRequest parse(JsonNode body) {
    StrictJson.requireObject(body, FIELDS, "{\"topic\": \"tasks\", \"toOffset\": 0}");
    String topic = StrictJson.optionalString(body, "topic");
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException(
          "topic is required, e.g. \"tasks\" or \"commands.research\"");
    }
    Long offset = StrictJson.optionalOffset(body, "toOffset");
    Instant time = StrictJson.optionalInstant(body, "toTime");
    if ((offset == null) == (time == null)) {
      throw new IllegalArgumentException("give exactly one of toOffset and toTime");
    }
    return new GroupResetRequest(
        topic, offset != null ? new LogPosition.Offset(offset) : new LogPosition.Time(time));
  }
}
