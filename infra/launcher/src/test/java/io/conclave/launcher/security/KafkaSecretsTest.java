package io.conclave.launcher.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.dev.ChildProcess;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.KafkaClientSecurity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Kafka secrets (the SASL password, the TLS store passwords) never show where others can read
 * them: not in the settings' text (logs), not in a child process's command line (ps), not in the
 * endpoints a dev launcher publishes. They reach a child through its environment only, and the
 * child reads them back.
 */
class KafkaSecretsTest {
  private static final String PASSWORD = "pa55-w0rd-for-research";
  private static final String TRUSTSTORE_PASSWORD = "trust-me-not";
  private static final String KEYSTORE_PASSWORD = "key-ring-secret";

  private static final Map<String, String> ENV =
      Map.of(
          "KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9093",
          "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
          "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
          "KAFKA_SASL_USERNAME", "research",
          "KAFKA_SASL_PASSWORD", PASSWORD,
          "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/conclave/truststore.p12",
          "KAFKA_SSL_TRUSTSTORE_PASSWORD", TRUSTSTORE_PASSWORD,
          "KAFKA_SSL_KEYSTORE_LOCATION", "/etc/conclave/keystore.p12",
          "KAFKA_SSL_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD);

  @Test
  void noSecretIsInTheSettingsTextNorInAChildsCommandLine() {
    // given
    ConclaveSettings settings = ConclaveSettings.from(ENV, Map.of());

    // when
    String text = settings.toString();
    List<String> properties = settings.asSystemProperties();
    List<String> command =
        ChildProcess.command("io.conclave.worker.AgentWorker", properties, List.of());

    // then
    for (String secret : List.of(PASSWORD, TRUSTSTORE_PASSWORD, KEYSTORE_PASSWORD)) {
      assertThat(text).doesNotContain(secret);
      assertThat(String.join(" ", properties)).doesNotContain(secret);
      assertThat(String.join(" ", command)).doesNotContain(secret);
    }
    assertThat(text).contains("username=research").contains("[redacted]");
    assertThat(command)
        .contains(
            "-Dconclave.kafka.sasl.username=research",
            "-Dconclave.kafka.security-protocol=SASL_SSL",
            "-Dconclave.kafka.ssl.truststore.location=/etc/conclave/truststore.p12");
  }

  @Test
  void aChildGetsTheSecretsThroughItsEnvironmentAndReadsBackTheSameSettings() {
    // given
    ConclaveSettings settings = ConclaveSettings.from(ENV, Map.of());
    Map<String, String> inherited =
        new HashMap<>(
            Map.of(
                "PATH",
                "/usr/bin",
                "KAFKA_SASL_PASSWORD",
                "stale",
                "KAFKA_SSL_KEYSTORE_PASSWORD",
                "stale"));

    // when: what ChildProcess does to the child's environment, then what the child reads
    settings.kafkaSecurity().applySecretsTo(inherited);
    Map<Object, Object> props = new HashMap<>();
    for (String arg : settings.asSystemProperties()) {
      String kv = arg.substring("-D".length());
      props.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    ConclaveSettings child = ConclaveSettings.from(inherited, props);

    // then
    assertThat(inherited)
        .containsEntry("KAFKA_SASL_PASSWORD", PASSWORD)
        .containsEntry("KAFKA_SSL_TRUSTSTORE_PASSWORD", TRUSTSTORE_PASSWORD)
        .containsEntry("KAFKA_SSL_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD)
        .containsEntry("PATH", "/usr/bin");
    assertThat(child.kafkaSecurity()).isEqualTo(settings.kafkaSecurity());
    assertThat(child.kafka().clientProperties()).isEqualTo(settings.kafka().clientProperties());
  }

  @Test
  void aPlaintextChildInheritsNoStaleSecret() {
    // given
    Map<String, String> inherited = new HashMap<>(Map.of("KAFKA_SASL_PASSWORD", "stale"));

    // when
    KafkaClientSecurity.plaintext().applySecretsTo(inherited);

    // then
    assertThat(inherited).doesNotContainKey("KAFKA_SASL_PASSWORD");
  }
}
