package io.conclave.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.KafkaAccess;
import io.conclave.runtime.security.KafkaClientSecurity;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** The projections' Kafka Streams settings, from application.yml and Conclave's settings. */
class StreamsSettingsTest {
  @Test
  void applicationYmlKeepsEveryStreamsSettingAndTheStateGoesBelowTheStateDir() {
    // given: the service's configuration, without starting anything
    try (ApplicationContext context =
        ApplicationContext.builder()
            .properties(
                Map.of("conclave.topic-prefix", "acme", "conclave.state-dir", "/var/conclave"))
            .build()) {
      var environment = context.getEnvironment().start();
      var settings =
          ConclaveSettings.from(
              Map.of(),
              Map.of(
                  "conclave.topic-prefix",
                  "acme",
                  "conclave.kafka.bootstrap-servers",
                  "kafka:9092"));

      // when
      StreamsSettings streams = new ConclaveBeans().streamsSettings(environment, settings);
      Properties p =
          streams.forInstance(
              Path.of("/var/conclave/projections-1"), new HostInfo("projections-1", 8081));

      // then
      assertThat(streams.applicationId()).isEqualTo("acme-projections");
      assertThat(streams.stateRoot()).isEqualTo(Path.of("/var/conclave"));
      assertThat(p)
          .containsEntry("application.id", "acme-projections")
          .containsEntry("bootstrap.servers", "kafka:9092")
          .containsEntry("state.dir", "/var/conclave/projections-1")
          .containsEntry("application.server", "projections-1:8081")
          .containsEntry("processing.guarantee", "exactly_once_v2")
          .containsEntry("commit.interval.ms", "100")
          .containsEntry("num.stream.threads", "1")
          .containsEntry("statestore.cache.max.bytes", "0")
          .containsEntry("replication.factor", "1")
          .containsEntry("session.timeout.ms", "6000")
          .containsEntry("heartbeat.interval.ms", "1000")
          .containsEntry(
              "deserialization.exception.handler",
              "io.conclave.projections.runtime.RegistryAwareErrors$Deserialization")
          .containsEntry(
              "processing.exception.handler",
              "io.conclave.projections.runtime.RegistryAwareErrors$Processing")
          .containsEntry("processing.exception.handler.global.enabled", "true");
    }
  }

  @Test
  void aConfiguredApplicationIdWinsAndTheOwnedKeysCannotBeSet() {
    // when
    var streams =
        StreamsSettings.of(
            Map.of("application.id", "mine", "num.stream.threads", 2),
            "acme-projections",
            KafkaAccess.plaintext("kafka:9092"),
            Path.of("/tmp"));

    // then
    assertThat(streams.applicationId()).isEqualTo("mine");
    assertThat(streams.properties()).isEqualTo(Map.of("num.stream.threads", "2"));
    assertThatThrownBy(
            () ->
                StreamsSettings.of(
                    Map.of("state.dir", "/x"), "a", KafkaAccess.plaintext("k:1"), Path.of("/tmp")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "conclave.streams.state.dir is not a setting: the projections use conclave.state-dir");
    assertThatThrownBy(
            () ->
                StreamsSettings.of(
                    Map.of("application.server", "h:1"),
                    "a",
                    KafkaAccess.plaintext("k:1"),
                    Path.of("/tmp")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conclave.http.advertised-host");
  }

  @Test
  void theKafkaSecurityGoesToEveryClientOfTheStreamsInstance() {
    // given
    var kafka = new KafkaAccess("kafka:9093", KafkaClientSecurity.scram("projections", "secret"));

    // when
    Properties p =
        StreamsSettings.of(Map.of(), "acme-projections", kafka, Path.of("/tmp"))
            .forInstance(Path.of("/tmp/p-1"), new HostInfo("p-1", 8080));

    // then
    assertThat(p)
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsKey("sasl.jaas.config");
    assertThatThrownBy(
            () -> StreamsSettings.of(Map.of("sasl.jaas.config", "x"), "a", kafka, Path.of("/tmp")))
        .hasMessageContaining("conclave.streams.sasl.jaas.config is not a setting");
  }
}
