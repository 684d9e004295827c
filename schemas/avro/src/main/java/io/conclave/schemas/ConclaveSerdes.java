package io.conclave.schemas;

import io.apicurio.registry.resolver.SchemaResolverConfig;
import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.RegistryClientFactory;
import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.IdOption;
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
 * dead letters too. The tasks topic also reads the Confluent framing, for producers in other
 * languages ({@link #taskSubmission()}). Callers never see the generated Avro classes.
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

  /**
   * Tasks come from clients, some written in other languages: besides what Conclave's serializer
   * writes (Apicurio's framing, an 8-byte global id), its deserializer reads the Confluent framing
   * (a 4-byte content id, as handed out by the registry's Confluent-compatible API), which the
   * Kafka clients of every language can write. See {@link Framing#of} for how the two are told
   * apart.
   */
  public Serde<TaskSubmission> taskSubmission() {
    return serde(false, true, AvroMapping::toAvro, AvroMapping::fromAvro);
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
    return serde(true, false, AvroMapping::toAvro, AvroMapping::fromAvro);
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
   * Reads any registry-encoded Avro payload (key or value) of any topic, in either framing, as JSON
   * text, whatever its schema: for tools that print records (replay, tail). Returns {@code null}
   * for {@code null}.
   */
  public Deserializer<String> anyAsJson(boolean isKey) {
    Map<String, Object> config = new HashMap<>(config());
    config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, false);
    Deserializer<GenericRecord> generic =
        FramedDeserializer.either(
            deserializer(config, isKey), deserializer(confluent(config), isKey));
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

  /**
   * {@code config} for reading the Confluent framing: a 4-byte id, looked up as a content id. That
   * is the id the registry's Confluent-compatible API hands out unless the registry runs with
   * {@code registry.ccompat.legacy-id-mode.enabled=true}, which Conclave does not support.
   */
  private static Map<String, Object> confluent(Map<String, Object> config) {
    Map<String, Object> confluent = new HashMap<>(config);
    // the handler that "as-confluent" stands for, named: the shortcut logs a warning per serde
    confluent.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
    confluent.put(SerdeConfig.USE_ID, IdOption.contentId.name());
    return confluent;
  }

  private <A> AvroKafkaDeserializer<A> deserializer(Map<String, Object> config, boolean isKey) {
    AvroKafkaDeserializer<A> deserializer = new AvroKafkaDeserializer<>(client);
    deserializer.configure(config, isKey);
    return deserializer;
  }

  private <D, A extends SpecificRecord> Serde<D> value(
      Function<D, A> toAvro, Function<A, D> fromAvro) {
    return serde(false, false, toAvro, fromAvro);
  }

  /**
   * A serde that writes Apicurio's framing and reads it, and the Confluent framing too if {@code
   * readsConfluent}.
   */
  private <D, A extends SpecificRecord> Serde<D> serde(
      boolean isKey, boolean readsConfluent, Function<D, A> toAvro, Function<A, D> fromAvro) {
    Map<String, Object> config = config();
    AvroKafkaSerializer<A> serializer = new AvroKafkaSerializer<>(client);
    serializer.configure(config, isKey);
    AvroKafkaDeserializer<A> apicurio = deserializer(config, isKey);
    FramedDeserializer<A> reader =
        readsConfluent
            ? FramedDeserializer.either(apicurio, deserializer(confluent(config), isKey))
            : FramedDeserializer.apicurio(apicurio);
    return new MappedSerde<>(new SchemaIdCachingSerializer<>(serializer), reader, toAvro, fromAvro);
  }
}
