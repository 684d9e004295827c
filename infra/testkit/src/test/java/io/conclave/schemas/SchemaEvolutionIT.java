package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.RegistryClientFactory;
import io.apicurio.registry.rest.client.exception.RuleViolationException;
import io.apicurio.registry.rest.v2.beans.IfExists;
import io.apicurio.registry.rest.v2.beans.Rule;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.types.ArtifactType;
import io.apicurio.registry.types.RuleType;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schemas evolve under the registry's BACKWARD rule: DecisionRecorded v2 (an added optional field)
 * is accepted on top of v1, decisions written with v1 still read as decisions, and a change that
 * would break v1 data is refused.
 */
@ExtendWith(ConclaveStackExtension.class)
class SchemaEvolutionIT {
  private static final String GROUP = "default";

  @Test
  void decisionsWrittenWithTheFirstSchemaStillReadAndAnIncompatibleSchemaIsRefused(
      ConclaveStack stack) throws Exception {
    // Given: an installation whose decision schema is still v1, under the BACKWARD rule, with one
    // v1 decision
    ConclaveSettings settings =
        ConclaveSettings.from(Map.of(), Map.of())
            .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
            .withTopicPrefix("evolution-" + UUID.randomUUID().toString().substring(0, 8));
    stack.provision(settings);
    String topic = settings.topics().decisions();
    String artifact = topic + "-value";
    Schema v1 = schema("evolution/DecisionRecorded-v1.avsc");
    try (RegistryClient registry = RegistryClientFactory.create(settings.registry().url())) {
      registry.createArtifact(
          GROUP, artifact, null, ArtifactType.AVRO, IfExists.FAIL, false, utf8(v1.toString()));
      registry.createArtifactRule(
          GROUP, artifact, new Rule(SchemaCatalog.COMPATIBILITY, RuleType.COMPATIBILITY));
      Instant at = Instant.parse("2026-11-24T10:00:00Z");
      writeV1Decision(settings, v1, at);

      // When: the current schemas (DecisionRecorded v2) are registered
      SchemaCatalog.registerAll(settings.registry(), settings.topics(), settings.agentTypes());

      // Then: v2 is the latest version, and the v1 decision still reads, without the new field
      assertThat(registry.getArtifactMetaData(GROUP, artifact).getVersion()).isEqualTo("2");
      List<Decision> read = readDecisions(settings, "evolving-agent");
      assertThat(read)
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.agentId()).isEqualTo("evolving-agent");
                assertThat(d.sequence()).isZero();
                assertThat(d.kind()).isEqualTo("PLAN");
                assertThat(d.payload()).isEqualTo("written with v1");
                assertThat(d.at()).isEqualTo(at);
                assertThat(d.leaderEpoch()).contains(3L);
                assertThat(d.model()).isEmpty();
              });

      // ... and a v3 that v1/v2 data would break (a new field without a default) is refused,
      // leaving v2 current
      Schema v3 = schema("evolution/DecisionRecorded-v3-incompatible.avsc");
      assertThatThrownBy(
              () ->
                  registry.createArtifact(
                      GROUP,
                      artifact,
                      null,
                      ArtifactType.AVRO,
                      IfExists.UPDATE,
                      false,
                      utf8(v3.toString())))
          .isInstanceOf(RuleViolationException.class);
      assertThat(registry.getArtifactMetaData(GROUP, artifact).getVersion()).isEqualTo("2");
    }
  }

  /**
   * A decision as a v1 producer wrote it: a generic record of the v1 schema through the registry
   * serde.
   */
  private static void writeV1Decision(ConclaveSettings settings, Schema v1, Instant at)
      throws Exception {
    GenericRecord record = new GenericData.Record(v1);
    record.put("agentId", "evolving-agent");
    record.put("sequence", 0L);
    record.put("sagaId", "saga-old");
    record.put("stepIndex", null);
    record.put("kind", "PLAN");
    record.put("payload", "written with v1");
    record.put("at", at.toEpochMilli());
    record.put("leaderEpoch", 3L);
    String topic = settings.topics().decisions();
    byte[] value;
    try (AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>()) {
      serializer.configure(
          Map.of(
              SerdeConfig.REGISTRY_URL,
              settings.registry().url(),
              SerdeConfig.AUTO_REGISTER_ARTIFACT,
              true,
              SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS,
              "RETURN",
              SerdeConfig.ENABLE_HEADERS,
              false),
          false);
      value = serializer.serialize(topic, record);
    }
    byte[] key =
        new ConclaveSerdes(settings.registry())
            .decisionKey()
            .serializer()
            .serialize(topic, new DecisionKey("evolving-agent", 0));
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
      producer
          .send(
              new ProducerRecord<>(
                  topic, Partitioning.of("evolving-agent", settings.partitions()), key, value))
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static List<Decision> readDecisions(ConclaveSettings settings, String agentId) {
    String topic = settings.topics().decisions();
    var reader = new ConclaveSerdes(settings.registry()).decision().deserializer();
    List<Decision> out = new ArrayList<>();
    TopicScan.scan(
        settings.kafka(),
        new TopicPartition(topic, Partitioning.of(agentId, settings.partitions())),
        0,
        -1,
        r -> out.add(reader.deserialize(topic, r.value())));
    return out;
  }

  private static Schema schema(String resource) throws Exception {
    try (InputStream in = SchemaEvolutionIT.class.getClassLoader().getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    }
  }

  private static InputStream utf8(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
