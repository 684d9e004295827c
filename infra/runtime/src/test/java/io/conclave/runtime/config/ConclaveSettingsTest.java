package io.conclave.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.TopicNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConclaveSettingsTest {

  @Test
  void withNothingSetTheDefaultsApply() {
    // when
    ConclaveSettings s = ConclaveSettings.from(Map.of(), Map.of());

    // then
    assertThat(s.bootstrapServers()).isEqualTo(ConclaveSettings.DEFAULT_BOOTSTRAP);
    assertThat(s.registry().url()).isEqualTo(ConclaveSettings.DEFAULT_REGISTRY);
    assertThat(s.registry().autoRegister()).isTrue();
    assertThat(s.topics()).isEqualTo(TopicNames.defaults());
    assertThat(s.agentTypes()).isEqualTo(ConclaveSettings.DEFAULT_AGENT_TYPES);
    assertThat(s.partitions()).isEqualTo(3);
    assertThat(s.replicationFactor()).isEqualTo((short) 1);
  }

  @Test
  void theEnvironmentIsReadWhenNoPropertyIsSet() {
    // given
    Map<String, String> env =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "env-kafka:9092",
            "CONCLAVE_REGISTRY_URL", "http://env-registry/apis/registry/v2",
            "CONCLAVE_REGISTRY_AUTO_REGISTER", "false",
            "CONCLAVE_TOPIC_PREFIX", "env",
            "CONCLAVE_AGENT_TYPES", " a , b ,, c ",
            "CONCLAVE_PARTITIONS", "6",
            "CONCLAVE_REPLICATION_FACTOR", "3");

    // when
    ConclaveSettings s = ConclaveSettings.from(env, Map.of());

    // then
    assertThat(s.bootstrapServers()).isEqualTo("env-kafka:9092");
    assertThat(s.registry().url()).isEqualTo("http://env-registry/apis/registry/v2");
    assertThat(s.registry().autoRegister()).isFalse();
    assertThat(s.topics().prefix()).isEqualTo("env");
    assertThat(s.agentTypes()).containsExactly("a", "b", "c");
    assertThat(s.partitions()).isEqualTo(6);
    assertThat(s.replicationFactor()).isEqualTo((short) 3);
  }

  @Test
  void aSystemPropertyWinsOverItsEnvironmentVariable() {
    // given
    Map<String, String> env =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "env-kafka:9092",
            "CONCLAVE_TOPIC_PREFIX", "env",
            "CONCLAVE_PARTITIONS", "6");
    Map<Object, Object> props =
        Map.of(
            "conclave.kafka.bootstrap-servers", "prop-kafka:9092",
            "conclave.topic-prefix", "prop",
            "conclave.partitions", "12");

    // when
    ConclaveSettings s = ConclaveSettings.from(env, props);

    // then
    assertThat(s.bootstrapServers()).isEqualTo("prop-kafka:9092");
    assertThat(s.topics().prefix()).isEqualTo("prop");
    assertThat(s.partitions()).isEqualTo(12);
  }

  @Test
  void aBlankPropertyFallsBackToTheEnvironmentAndValuesAreTrimmed() {
    // given
    Map<String, String> env =
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "  env-kafka:9092 ", "CONCLAVE_PARTITIONS", " 4 ");
    Map<Object, Object> props = Map.of("conclave.kafka.bootstrap-servers", "   ");

    // when
    ConclaveSettings s = ConclaveSettings.from(env, props);

    // then
    assertThat(s.bootstrapServers()).isEqualTo("env-kafka:9092");
    assertThat(s.partitions()).isEqualTo(4);
  }

  @Test
  void aBadNumberInTheEnvironmentGivesAMessageNamingBothKeysAndTheValue() {
    // given
    Map<String, String> env = Map.of("CONCLAVE_PARTITIONS", "three");

    // when / then
    assertThatThrownBy(() -> ConclaveSettings.from(env, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "conclave.partitions / CONCLAVE_PARTITIONS must be a whole number, was 'three'");
  }

  @Test
  void aBadNumberInAPropertyGivesAMessageNamingTheValue() {
    // given
    Map<Object, Object> props = Map.of("conclave.replication-factor", "1.5");

    // when / then
    assertThatThrownBy(
            () -> ConclaveSettings.from(Map.of("CONCLAVE_REPLICATION_FACTOR", "2"), props))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conclave.replication-factor")
        .hasMessageContaining("'1.5'");
  }

  @Test
  void aNumberOutOfRangeIsRejectedNamingTheSetting() {
    // when / then
    assertThatThrownBy(() -> ConclaveSettings.from(Map.of("CONCLAVE_PARTITIONS", "0"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("partitions must be >= 1, was 0");
    assertThatThrownBy(
            () -> ConclaveSettings.from(Map.of(), Map.of("conclave.replication-factor", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CONCLAVE_REPLICATION_FACTOR must be between 1 and 32767, was 0");
  }

  @Test
  void aReplicationFactorTooLargeForAShortIsRejectedNotWrapped() {
    // given: 65537 = 2^16 + 1 would wrap to (short) 1
    Map<String, String> env = Map.of("CONCLAVE_REPLICATION_FACTOR", "65537");

    // when / then
    assertThatThrownBy(() -> ConclaveSettings.from(env, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65537");
  }

  @Test
  void anIllegalAgentTypeIsRejectedAtOnce() {
    // when / then
    assertThatThrownBy(
            () ->
                ConclaveSettings.from(
                    Map.of("CONCLAVE_AGENT_TYPES", "research,bad type"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad type");
  }

  @Test
  void withCopiesChangeOnlyWhatTheyName() {
    // given
    ConclaveSettings s = ConclaveSettings.from(Map.of("CONCLAVE_PARTITIONS", "5"), Map.of());

    // when
    ConclaveSettings moved =
        s.withEndpoints("other:9092", "http://other/apis/registry/v2").withTopicPrefix("t1");

    // then
    assertThat(moved.bootstrapServers()).isEqualTo("other:9092");
    assertThat(moved.registry().url()).isEqualTo("http://other/apis/registry/v2");
    assertThat(moved.registry().autoRegister()).isEqualTo(s.registry().autoRegister());
    assertThat(moved.topics().prefix()).isEqualTo("t1");
    assertThat(moved.partitions()).isEqualTo(5);
    assertThat(moved.agentTypes()).isEqualTo(s.agentTypes());
  }

  @Test
  void systemPropertiesForAChildProcessReadBackToTheSameSettings() {
    // given
    ConclaveSettings s =
        ConclaveSettings.from(
            Map.of(
                "CONCLAVE_AGENT_TYPES",
                "x,y",
                "CONCLAVE_PARTITIONS",
                "7",
                "CONCLAVE_REGISTRY_AUTO_REGISTER",
                "false",
                "CONCLAVE_SNAPSHOT_EVERY",
                "25"),
            Map.of());

    // when
    Map<Object, Object> props = new java.util.HashMap<>();
    for (String arg : s.asSystemProperties()) {
      String kv = arg.substring("-D".length());
      int eq = kv.indexOf('=');
      props.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    // then
    assertThat(ConclaveSettings.from(Map.of(), props)).isEqualTo(s);
    assertThat(s.agentTypes()).isEqualTo(List.of("x", "y"));
    assertThat(s.snapshotEvery()).isEqualTo(25);
  }

  @Test
  void anAgentsStateIsSnapshotEveryThousandDecisionsUnlessConfigured() {
    // when
    ConclaveSettings defaults = ConclaveSettings.from(Map.of(), Map.of());
    ConclaveSettings none = ConclaveSettings.from(Map.of("CONCLAVE_SNAPSHOT_EVERY", "0"), Map.of());

    // then
    assertThat(defaults.snapshotEvery()).isEqualTo(1000);
    assertThat(none.snapshotEvery()).isZero();
    assertThat(defaults.withSnapshotEvery(7).snapshotEvery()).isEqualTo(7);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ConclaveSettings.from(Map.of(), Map.of("conclave.snapshot.every", "-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conclave.snapshot.every");
  }

  @Test
  void kafkaSecurityIsPlaintextByDefaultAndScramFromTheEnvironmentBuildsTheJaasConfig() {
    // when
    ConclaveSettings plain = ConclaveSettings.from(Map.of(), Map.of());
    ConclaveSettings scram =
        ConclaveSettings.from(
            Map.of(
                "KAFKA_SECURITY_PROTOCOL",
                "sasl_plaintext",
                "KAFKA_SASL_USERNAME",
                "research",
                "KAFKA_SASL_PASSWORD",
                "hunter2"),
            Map.of("conclave.kafka.client.client.dns.lookup", "use_all_dns_ips"));

    // then
    assertThat(plain.kafka().clientProperties())
        .containsEntry("security.protocol", "PLAINTEXT")
        .doesNotContainKey("sasl.jaas.config");
    assertThat(scram.kafka().clientProperties())
        .containsEntry("bootstrap.servers", ConclaveSettings.DEFAULT_BOOTSTRAP)
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"research\" password=\"hunter2\";")
        .containsEntry("client.dns.lookup", "use_all_dns_ips");
    assertThat(ClientConfigs.transactionalProducer(scram.kafka(), "t"))
        .containsEntry("security.protocol", "SASL_PLAINTEXT");
    assertThat(scram.kafkaSecurity().principal()).isEqualTo("User:research");
    assertThat(scram.toString()).doesNotContain("hunter2");
  }

  @Test
  void incompleteOrContradictoryKafkaSecurityIsRefusedWithWhatToSet() {
    assertThatThrownBy(
            () ->
                ConclaveSettings.from(
                    Map.of(
                        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_USERNAME", "research"),
                    Map.of()))
        .hasMessageContaining("needs the password of user 'research'")
        .hasMessageContaining("KAFKA_SASL_PASSWORD");
    assertThatThrownBy(
            () -> ConclaveSettings.from(Map.of("KAFKA_SECURITY_PROTOCOL", "KERBEROS"), Map.of()))
        .hasMessageContaining("must be one of [PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL]");
    assertThatThrownBy(
            () ->
                ConclaveSettings.from(
                    Map.of(
                        "KAFKA_SECURITY_PROTOCOL",
                        "SASL_SSL",
                        "KAFKA_SASL_MECHANISM",
                        "GSSAPI",
                        "KAFKA_SASL_USERNAME",
                        "r",
                        "KAFKA_SASL_PASSWORD",
                        "p"),
                    Map.of()))
        .hasMessageContaining("KAFKA_SASL_MECHANISM must be one of");
    assertThatThrownBy(
            () ->
                ConclaveSettings.from(
                    Map.of(), Map.of("conclave.kafka.client.sasl.jaas.config", "x")))
        .hasMessageContaining("is not a pass-through property");
  }
}
