package io.conclave.projections.operations;

import io.conclave.projections.http.StrictJson;
import io.conclave.runtime.readers.LogPosition;
import io.micronaut.json.tree.JsonNode;
import java.time.Instant;
import java.util.Set;

/**
 * Body of {@code POST /admin/projections/rebuild}: {@code {"fromOffset": N}}, {@code {"fromTime":
 * "..."}} or none.
 */
final class RebuildRequest {
  private static final Set<String> FIELDS = Set.of("fromOffset", "fromTime");

  private RebuildRequest() {}

  /**
   * Where the rebuild starts: no body (or {@code {}}) means the beginning.
   *
   * @throws IllegalArgumentException naming what is wrong, e.g. both fields given
   */
  static LogPosition parse(JsonNode body) {
    if (body == null || body.isNull()) {
      return LogPosition.beginning();
    }
    StrictJson.requireObject(
        body, FIELDS, "{\"fromOffset\": 0} or {\"fromTime\": \"2026-11-24T10:00:00Z\"}");
    Long offset = StrictJson.optionalOffset(body, "fromOffset");
    Instant time = StrictJson.optionalInstant(body, "fromTime");
    if (offset != null && time != null) {
      throw new IllegalArgumentException("give fromOffset or fromTime, not both");
    }
    if (time != null) {
      return new LogPosition.Time(time);
    }
    return offset == null ? LogPosition.beginning() : new LogPosition.Offset(offset);
  }
}
