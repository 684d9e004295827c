package io.conclave.projections.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.runtime.readers.LogPosition;
import io.micronaut.json.tree.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Reading the admin endpoints' bodies and query parameters: every mistake is an
 * IllegalArgumentException (400).
 */
class AdminRequestsTest {
  private static final String T = "2026-11-24T10:00:00Z";

  @Test
  void aRebuildStartsFromTheBeginningAnOffsetOrATime() {
    // then
    assertThat(RebuildRequest.parse(null)).isEqualTo(LogPosition.beginning());
    assertThat(RebuildRequest.parse(JsonNode.nullNode())).isEqualTo(LogPosition.beginning());
    assertThat(RebuildRequest.parse(object())).isEqualTo(LogPosition.beginning());
    assertThat(RebuildRequest.parse(object("fromOffset", JsonNode.createNumberNode(42))))
        .isEqualTo(new LogPosition.Offset(42));
    assertThat(RebuildRequest.parse(object("fromTime", JsonNode.createStringNode(T))))
        .isEqualTo(new LogPosition.Time(Instant.parse(T)));
  }

  @Test
  void aBadRebuildBodyIsRejectedWithAMessageNamingTheMistake() {
    assertBad(
        () ->
            RebuildRequest.parse(
                object(
                    "fromOffset",
                    JsonNode.createNumberNode(1),
                    "fromTime",
                    JsonNode.createStringNode(T))),
        "give fromOffset or fromTime, not both");
    assertBad(
        () -> RebuildRequest.parse(object("fromOffset", JsonNode.createNumberNode(-1))),
        "fromOffset must be >= 0, was -1");
    assertBad(
        () -> RebuildRequest.parse(object("fromOffset", JsonNode.createNumberNode(1.5))),
        "fromOffset must be a whole number, was 1.5");
    assertBad(
        () -> RebuildRequest.parse(object("fromOffset", JsonNode.createStringNode("3"))),
        "fromOffset must be a JSON number");
    assertBad(
        () -> RebuildRequest.parse(object("fromTime", JsonNode.createStringNode("yesterday"))),
        "fromTime must be an ISO-8601 instant such as 2026-11-24T10:00:00Z, was 'yesterday'");
    assertBad(
        () -> RebuildRequest.parse(object("from", JsonNode.createNumberNode(1))),
        "unknown field 'from'; expected fromOffset, fromTime");
    assertBad(
        () -> RebuildRequest.parse(JsonNode.createStringNode("x")),
        "the body must be a JSON object such as {\"fromOffset\": 0} or {\"fromTime\": \"2026-11-24T10:00:00Z\"}");
  }

  @Test
  void aGroupResetNeedsATopicAndExactlyOneTarget() {
    // then
    assertThat(
            GroupResetRequest.parse(
                object(
                    "topic",
                    JsonNode.createStringNode("tasks"),
                    "toOffset",
                    JsonNode.createNumberNode(0L))))
        .isEqualTo(new GroupResetRequest("tasks", new LogPosition.Offset(0)));
    assertThat(
            GroupResetRequest.parse(
                object(
                    "topic",
                    JsonNode.createStringNode("tasks"),
                    "toTime",
                    JsonNode.createStringNode(T))))
        .isEqualTo(new GroupResetRequest("tasks", new LogPosition.Time(Instant.parse(T))));
    assertBad(() -> GroupResetRequest.parse(null), "the body must be a JSON object such as");
    assertBad(
        () -> GroupResetRequest.parse(object("toOffset", JsonNode.createNumberNode(0))),
        "topic is required");
    assertBad(
        () -> GroupResetRequest.parse(object("topic", JsonNode.createStringNode("tasks"))),
        "give exactly one of toOffset and toTime");
    assertBad(
        () ->
            GroupResetRequest.parse(
                object(
                    "topic",
                    JsonNode.createStringNode("tasks"),
                    "toOffset",
                    JsonNode.createNumberNode(0),
                    "toTime",
                    JsonNode.createStringNode(T))),
        "give exactly one of toOffset and toTime");
    assertBad(
        () ->
            GroupResetRequest.parse(
                object(
                    "topic",
                    JsonNode.createNumberNode(7),
                    "toOffset",
                    JsonNode.createNumberNode(0))),
        "topic must be a JSON string");
  }

  @Test
  void recordsAreReadFromTheBeginningHundredAtATimeUnlessAskedOtherwise() {
    // then
    assertThat(RecordsQuery.parse(null, null, null, null))
        .isEqualTo(new RecordsQuery(LogPosition.beginning(), OptionalInt.empty(), 100));
    assertThat(RecordsQuery.parse("5", "", "2", "7"))
        .isEqualTo(new RecordsQuery(new LogPosition.Offset(5), OptionalInt.of(2), 7));
    assertThat(RecordsQuery.parse(null, T, null, "1000000"))
        .as("max is capped")
        .isEqualTo(
            new RecordsQuery(new LogPosition.Time(Instant.parse(T)), OptionalInt.empty(), 10_000));
  }

  @Test
  void badRecordQueriesAreRejectedWithAMessageNamingTheMistake() {
    assertBad(
        () -> RecordsQuery.parse("1", T, null, null), "give fromOffset or fromTime, not both");
    assertBad(
        () -> RecordsQuery.parse("x", null, null, null),
        "fromOffset must be a whole number, was 'x'");
    assertBad(() -> RecordsQuery.parse("-3", null, null, null), "fromOffset must be >= 0, was -3");
    assertBad(
        () -> RecordsQuery.parse(null, "now", null, null), "fromTime must be an ISO-8601 instant");
    assertBad(
        () -> RecordsQuery.parse(null, "1969-12-31T23:59:59Z", null, null),
        "the time must be at or after 1970");
    assertBad(
        () -> RecordsQuery.parse(null, "+1000000000-01-01T00:00:00Z", null, null),
        "the time is too far");
    assertBad(() -> RecordsQuery.parse(null, null, "-1", null), "partition must be >= 0, was -1");
    assertBad(() -> RecordsQuery.parse(null, null, "99999999999", null), "partition must be >= 0");
    assertBad(() -> RecordsQuery.parse(null, null, null, "0"), "max must be >= 1, was 0");
    assertBad(
        () -> RecordsQuery.parse(null, null, null, "1e3"), "max must be a whole number, was '1e3'");
  }

  private static void assertBad(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  private static JsonNode object(Object... fieldsAndValues) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      fields.put((String) fieldsAndValues[i], (JsonNode) fieldsAndValues[i + 1]);
    }
    return JsonNode.createObjectNode(fields);
  }
}
