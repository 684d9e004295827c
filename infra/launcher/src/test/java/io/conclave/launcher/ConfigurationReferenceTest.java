package io.conclave.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration tables document exactly the settings the code reads ({@link ConfigurationReference}),
 * and the check names a setting missing from either side.
 */
class ConfigurationReferenceTest {
  private static final Path ROOT = SourceTree.root();

  @Test
  void theReadmeDocumentsEverySettingTheCodeReads() {
    Map<String, String> read = ConfigurationReference.codeSettings(ROOT);
    Set<String> documented = ConfigurationReference.documentedSettings(SourceTree.read(ROOT.resolve("README.md")));

    assertThat(ConfigurationReference.problems(read, documented)).isEmpty();
  }

  @Test
  void theCodeSettingsIncludeEachKindOfSource() {
    Map<String, String> read = ConfigurationReference.codeSettings(ROOT);

    assertThat(read).containsKeys("conclave.kafka.bootstrap-servers", "conclave.kafka.sasl.password",
        "conclave.llm.max-attempts", "conclave.llm.budget.tenants", "conclave.worker.metrics-port",
        "conclave.security.enabled", "conclave.knowledge.forward-timeout", "conclave.kafka.client.<key>",
        "conclave.streams.<key>")
        .doesNotContainKeys("conclave.parent-pid", "conclave.streams.num.stream.threads", "conclave.kafka",
            "conclave.streams");
  }

  @Test
  void aRowMayNameSiblingsByTheirLastPart() {
    String readme = """
        | property | environment | default |
        |---|---|---|
        | `conclave.llm.timeout-ms`, `max-attempts` | `CONCLAVE_LLM_TIMEOUT_MS`, ... | `30000`, `3` |
        | `conclave.kafka.ssl.truststore.location`, `.password` | `KAFKA_SSL_TRUSTSTORE_LOCATION` | a `\\|` in a cell |
        | `GET /knowledge` | `conclave.not-a-first-cell` | |
        """;

    assertThat(ConfigurationReference.documentedSettings(readme)).containsExactlyInAnyOrder(
        "conclave.llm.timeout-ms", "conclave.llm.max-attempts", "conclave.kafka.ssl.truststore.location",
        "conclave.kafka.ssl.truststore.password");
  }

  @Test
  void aSettingOnOneSideOnlyIsNamed() {
    Map<String, String> read = Map.of("conclave.partitions", "A.java", "conclave.undocumented", "B.java");
    Set<String> documented = Set.of("conclave.partitions", "conclave.read-by-nothing");

    assertThat(ConfigurationReference.problems(read, documented)).containsExactly(
        "conclave.undocumented is read (B.java) but no README table documents it",
        "conclave.read-by-nothing is in a README table but no service reads it");
  }
}
