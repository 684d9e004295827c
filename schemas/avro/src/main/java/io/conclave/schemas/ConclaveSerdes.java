package io.conclave.schemas;

import io.apicurio.registry.resolver.SchemaResolverConfig;
import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.RegistryClientFactory;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.conclave.model.cluster.BreakerStateChanged;
import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.RedrivenStep;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.journal.AgentSnapshot;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.CompensateCommand;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.ShardCheckpoint;
import io.conclave.model.saga.StepCommand;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * Kafka serdes of Conclave's domain records. On the wire every value (and the decision key) is an
 * Avro record whose schema lives in Apicurio Registry; the schema's global id travels in the
 * payload (magic byte + id), not in headers, so the bytes stay self-describing in state stores and
 * dead letters too. Callers never see the generated Avro classes.
 *
 * <p>Each call returns a new serde; serdes are thread-safe once made and cache registry look-ups.
 */
public final class ConclaveSerdes {
  static {
    // Avro 1.12 refuses to instantiate SpecificRecord classes it does not trust.
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(),
            c -> c.getName().startsWith("io.conclave.schemas.avro.")));
  }

  private final RegistrySettings registry;

  /** One client for every serde made here, each of its calls bounded by the settings' timeout. */
  private final RegistryClient client;

  public ConclaveSerdes(RegistrySettings registry) {
    this.registry = registry;
    this.client =
        BoundedRegistryClient.wrap(
            RegistryClientFactory.create(registry.url()),
            registry.url(),
            registry.requestTimeout());
  }

  public RegistrySettings registry() {
    return registry;
  }

  public Serde<TaskSubmission> taskSubmission() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<StepCommand> stepCommand() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<CompensateCommand> compensateCommand() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<SagaEvent> sagaEvent() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<Decision> decision() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<DecisionKey> decisionKey() {
    return serde(true, AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<AgentSnapshot> agentSnapshot() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<ShardCheckpoint> shardCheckpoint() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<RedrivenStep> redrivenStep() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  /** A saga definition registered under a name ({@code conclave.saga-definitions}). */
  public Serde<RegisteredSaga> registeredSaga() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<LeaderElected> leaderElected() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<KnowledgeDelta> knowledgeDelta() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<BreakerStateChanged> breakerStateChanged() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  public Serde<DeadLetter> deadLetter() {
    return value(AvroMapping::toAvro, AvroMapping::fromAvro);
  }

  /**
   * Reads any registry-encoded Avro payload (key or value) of any topic as JSON text, whatever its
   * schema: for tools that print records (replay, tail). Returns {@code null} for {@code null}.
   */
  public Deserializer<String> anyAsJson(boolean isKey) {
    Map<String, Object> config = new HashMap<>(config());
    config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, false);
    AvroKafkaDeserializer<GenericRecord> generic = new AvroKafkaDeserializer<>(client);
    generic.configure(config, isKey);
    return (topic, bytes) -> bytes == null ? null : generic.deserialize(topic, bytes).toString();
  }

  /**
   * A process writes with the schemas its code was built with, so what the registry answered for
   * them stays true: the client asks again once a day instead of every 30 s (the default), which
   * put a registration round trip on the loop threads, inside transactions, twice a minute per
   * serializer.
   */
  private static final long SCHEMA_CACHE_MS = Duration.ofDays(1).toMillis();

  private Map<String, Object> config() {
    return Map.of(
        SerdeConfig.REGISTRY_URL,
        registry.url(),
        SerdeConfig.CHECK_PERIOD_MS,
        SCHEMA_CACHE_MS,
        // a look-up that fails once the day is over keeps the answer it had: the schemas of this
        // build do not change
        SchemaResolverConfig.FAULT_TOLERANT_REFRESH,
        true,
        SerdeConfig.AUTO_REGISTER_ARTIFACT,
        registry.autoRegister(),
        SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS,
        "RETURN_OR_UPDATE",
        SerdeConfig.FIND_LATEST_ARTIFACT,
        !registry.autoRegister(),
        SerdeConfig.ENABLE_HEADERS,
        false,
        AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER,
        true,
        AvroKafkaSerdeConfig.AVRO_DATUM_PROVIDER,
        ReaderCachingDatumProvider.class.getName());
  }

  private <D, A extends SpecificRecord> Serde<D> value(
      Function<D, A> toAvro, Function<A, D> fromAvro) {
    return serde(false, toAvro, fromAvro);
  }

  private <D, A extends SpecificRecord> Serde<D> serde(
      boolean isKey, Function<D, A> toAvro, Function<A, D> fromAvro) {
    Map<String, Object> config = config();
    AvroKafkaSerializer<A> serializer = new AvroKafkaSerializer<>(client);
    serializer.configure(config, isKey);
    AvroKafkaDeserializer<A> deserializer = new AvroKafkaDeserializer<>(client);
    deserializer.configure(config, isKey);
    return new MappedSerde<>(
        new SchemaIdCachingSerializer<>(serializer), deserializer, toAvro, fromAvro);
  }
}
