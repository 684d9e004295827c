package io.conclave.agent.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {
  enum Confidence {
    LOW,
    HIGH
  }

  record Source(String url, int year) {}

  record Findings(
      String topic, List<Source> sources, Set<String> tags, Confidence confidence, double score) {}

  record Lookup(Map<String, String> byKey) {}

  record Tree(String name, List<Tree> children) {}

  @Test
  void aRecordIsAStrictObjectOfItsComponents() {
    var schema = JsonSchemas.of(Findings.class);

    assertThat(schema.name()).isEqualTo("Findings");
    assertThat(schema.schema())
        .isEqualTo(
            "{\"type\":\"object\",\"properties\":{"
                + "\"topic\":{\"type\":\"string\"},"
                + "\"sources\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                + "\"url\":{\"type\":\"string\"},\"year\":{\"type\":\"integer\"}},"
                + "\"required\":[\"url\",\"year\"],\"additionalProperties\":false}},"
                + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"uniqueItems\":true},"
                + "\"confidence\":{\"type\":\"string\",\"enum\":[\"LOW\",\"HIGH\"]},"
                + "\"score\":{\"type\":\"number\"}},"
                + "\"required\":[\"topic\",\"sources\",\"tags\",\"confidence\",\"score\"],"
                + "\"additionalProperties\":false}");
  }

  record Meeting(java.time.Instant at, java.time.LocalDate day) {}

  record Maybe(java.util.Optional<String> note) {}

  @Test
  void timesAreTextOfTheirFormat() {
    assertThat(JsonSchemas.of(Meeting.class).schema())
        .contains("\"at\":{\"type\":\"string\",\"format\":\"date-time\"}")
        .contains("\"day\":{\"type\":\"string\",\"format\":\"date\"}");
  }

  @Test
  void whatTheSchemaCannotDescribeIsRefused() {
    assertThatThrownBy(() -> JsonSchemas.of(Maybe.class))
        .as("an optional component: strict schemas require every one")
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonSchemas.of(Lookup.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.util.Map");
    assertThatThrownBy(() -> JsonSchemas.of(Tree.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recursive");
  }
}
