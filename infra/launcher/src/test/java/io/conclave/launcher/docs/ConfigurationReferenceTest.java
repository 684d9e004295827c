package io.conclave.launcher.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.docs.ConfigurationReference.Reading;
import io.conclave.launcher.docs.ConfigurationReference.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference's tables ({@code docs/configuration.md}) document exactly the
 * settings the code reads, with the environment variables and defaults the code reads them with
 * ({@link ConfigurationReference}), and the check names the row and what is wrong with it.
 */
class ConfigurationReferenceTest {
  private static final Path ROOT = SourceTree.root();
  private static final String REFERENCE = SourceTree.read(ROOT.resolve("docs/configuration.md"));

  @Test
  void theReferenceDocumentsEverySettingTheCodeReadsAsTheCodeReadsIt() {
    assertThat(problems(REFERENCE)).isEmpty();
  }

  @Test
  void theCodeSettingsIncludeEachKindOfSource() {
    Map<String, List<Reading>> read = ConfigurationReference.codeSettings(ROOT);

    assertThat(read)
        .containsKeys(
            "conclave.kafka.bootstrap-servers",
            "conclave.kafka.sasl.password",
            "conclave.llm.max-attempts",
            "conclave.llm.budget.tenants",
            "conclave.worker.metrics-port",
            "conclave.security.enabled",
            "conclave.knowledge.forward-timeout",
            "conclave.kafka.client.<key>",
            "conclave.streams.<key>")
        .doesNotContainKeys(
            "conclave.parent-pid",
            "conclave.streams.num.stream.threads",
            "conclave.kafka",
            "conclave.streams");
    // a declared Setting, a placeholder of a variable, a value, a placeholder of a setting, a read
    // without default
    assertThat(read.get("conclave.kafka.ssl.truststore.password"))
        .contains(new Reading("ConclaveSettings.SETTINGS", "KAFKA_SSL_TRUSTSTORE_PASSWORD", null));
    assertThat(read.get("conclave.security.tokens"))
        .contains(
            new Reading(
                "projections/src/main/resources/application.yml", "CONCLAVE_API_TOKENS", null));
    assertThat(read.get("conclave.knowledge.forward-timeout"))
        .contains(
            new Reading(
                "projections/src/main/resources/application.yml",
                "CONCLAVE_KNOWLEDGE_FORWARD_TIMEOUT",
                "5s"));
    assertThat(read.get("conclave.http.port"))
        .contains(
            new Reading(
                "projections/src/main/resources/application.yml", "CONCLAVE_HTTP_PORT", "8080"));
    assertThat(read.get("conclave.http.advertised-port"))
        .contains(
            new Reading(
                "projections/src/main/java/io/conclave/projections/runtime/ConclaveBeans.java",
                "CONCLAVE_HTTP_ADVERTISED_PORT",
                null));
  }

  @Test
  void aRowMayNameSiblingsByTheirLastPart() {
    String reference =
        """
        | property | environment | default |
        |---|---|---|
        | `conclave.llm.timeout-ms`, `max-attempts` | `CONCLAVE_LLM_TIMEOUT_MS`, ... | `30000`, `3` |
        | `conclave.kafka.ssl.truststore.location`, `.password` | `KAFKA_SSL_TRUSTSTORE_LOCATION`, `_PASSWORD` | none (a `\\|` in a cell) |
        | `GET /knowledge` | `conclave.not-a-first-cell` | |
        """;

    assertThat(ConfigurationReference.documentedRows(reference))
        .containsExactly(
            new Row(
                3,
                List.of("conclave.llm.timeout-ms", "conclave.llm.max-attempts"),
                List.of("CONCLAVE_LLM_TIMEOUT_MS", "CONCLAVE_LLM_MAX_ATTEMPTS"),
                List.of("30000", "3"),
                List.of()),
            new Row(
                4,
                List.of(
                    "conclave.kafka.ssl.truststore.location",
                    "conclave.kafka.ssl.truststore.password"),
                List.of("KAFKA_SSL_TRUSTSTORE_LOCATION", "KAFKA_SSL_TRUSTSTORE_PASSWORD"),
                nulls(2),
                List.of()));
  }

  @Test
  void aMeaningColumnMarksTheDefault() {
    String reference =
        """
        | property | environment | meaning |
        |---|---|---|
        | `conclave.kafka.sasl.mechanism` | `KAFKA_SASL_MECHANISM` | `SCRAM-SHA-512` (default), `PLAIN` |
        | `conclave.kafka.sasl.username` | `KAFKA_SASL_USERNAME` | the component's user |
        """;

    assertThat(ConfigurationReference.documentedRows(reference))
        .extracting(Row::defaults)
        .containsExactly(List.of("SCRAM-SHA-512"), nulls(1));
  }

  @Test
  void aSettingOnOneSideOnlyIsNamed() {
    Map<String, List<Reading>> read =
        Map.of(
            "conclave.partitions", List.of(new Reading("A.java", "CONCLAVE_PARTITIONS", "3")),
            "conclave.undocumented", List.of(new Reading("B.java", "CONCLAVE_UNDOCUMENTED", null)));
    String reference =
        """
        | property | environment | default |
        |---|---|---|
        | `conclave.partitions` | `CONCLAVE_PARTITIONS` | `3` |
        | `conclave.read-by-nothing` | `CONCLAVE_READ_BY_NOTHING` | none |
        """;

    assertThat(
            ConfigurationReference.problems(read, ConfigurationReference.documentedRows(reference)))
        .containsExactlyInAnyOrder(
            "conclave.undocumented is read (B.java) but no table of docs/configuration.md documents it",
            "conclave.read-by-nothing is in a table of docs/configuration.md but no service reads it");
  }

  @Test
  void aSettingReadWithoutASettingOrAValueIsNamed() {
    // a key the code reads by its literal, as Environment.getProperty("conclave.x",
    // String.class).orElse("y") would
    Map<String, List<Reading>> read = Map.of("conclave.x", List.of(Reading.keyOnly("C.java")));
    String reference =
        """
        | property | environment | default |
        |---|---|---|
        | `conclave.x` | `CONCLAVE_X` | `y` |
        """;

    assertThat(
            ConfigurationReference.problems(read, ConfigurationReference.documentedRows(reference)))
        .containsExactly(
            "conclave.x is read (C.java) but nothing says its environment variable and default: declare it as a Setting "
                + "the check reads, or give it a value in application.yml");
  }

  @Test
  void aRowWithAnotherVariableOrDefaultThanTheCodeIsNamed() {
    // given: a copy of the reference with a variable misspelt, a default changed, and a default
    // left out
    String broken =
        edit(
            REFERENCE,
            "| `conclave.partitions` | `CONCLAVE_PARTITIONS` | `3` |",
            "| `conclave.partitions` | `CONCLAVE_PARTITION` | `4` |");
    broken =
        edit(
            broken,
            "| `CONCLAVE_LLM_TIMEOUT_MS`, ... | `30000`, `3`, `200` (",
            "| `CONCLAVE_LLM_TIMEOUT_MS`, ... | `30000`, `3` (");
    int line = lineOf(broken, "| `conclave.partitions` |");
    int llm = lineOf(broken, "| `conclave.llm.timeout-ms`");

    // when, then: each names the row, the key, and what the code says
    assertThat(problems(broken))
        .containsExactlyInAnyOrder(
            "docs/configuration.md line "
                + line
                + ", conclave.partitions: environment CONCLAVE_PARTITION, but ConclaveSettings.SETTINGS "
                + "reads CONCLAVE_PARTITIONS",
            "docs/configuration.md line "
                + line
                + ", conclave.partitions: default `4`, but ConclaveSettings.SETTINGS has `3`",
            "docs/configuration.md line "
                + llm
                + ", conclave.llm.timeout-ms: it names 2 defaults for 3 keys",
            "docs/configuration.md line "
                + llm
                + ", conclave.llm.backoff-ms: default none, but Models.SETTINGS has `200`");
  }

  @Test
  void aDefaultTheApplicationYmlSetsIsCheckedToo() {
    String broken =
        edit(
            REFERENCE,
            "| `conclave.knowledge.forward-timeout` | `CONCLAVE_KNOWLEDGE_FORWARD_TIMEOUT` | `5s`",
            "| `conclave.knowledge.forward-timeout` | `CONCLAVE_KNOWLEDGE_FORWARD_TIMEOUT` | `10s`");

    assertThat(problems(broken))
        .containsExactly(
            "docs/configuration.md line "
                + lineOf(broken, "| `conclave.knowledge.forward-timeout`")
                + ", conclave.knowledge.forward-timeout: default `10s`, but projections/src/main/resources/application.yml "
                + "has `5s`");
  }

  private static List<String> problems(String reference) {
    return ConfigurationReference.problems(
        ConfigurationReference.codeSettings(ROOT),
        ConfigurationReference.documentedRows(reference));
  }

  private static String edit(String text, String from, String to) {
    assertThat(text).as("the text to change").contains(from);
    return text.replace(from, to);
  }

  private static int lineOf(String text, String start) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(start)) {
        return i + 1;
      }
    }
    throw new AssertionError("no line starts with " + start);
  }

  private static List<String> nulls(int n) {
    return java.util.Collections.nCopies(n, null);
  }
}
