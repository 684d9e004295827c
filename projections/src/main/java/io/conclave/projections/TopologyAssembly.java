package io.conclave.projections;

import static io.conclave.projections.agents.DecisionQueries.DECISIONS;
import static io.conclave.projections.ledger.LedgerStores.LEDGER_AGENTS;
import static io.conclave.projections.ledger.LedgerStores.LEDGER_TENANTS;
import static io.conclave.projections.ledger.LedgerStores.LEDGER_TENANT_STEPS;
import static io.conclave.projections.operations.LeaderQueries.LEADERS;
import static io.conclave.projections.runtime.RegistryPatience.patient;
import static io.conclave.projections.tasks.TaskStores.SAGAS;
import static io.conclave.projections.tasks.TaskStores.SAGA_COUNTS;
import static io.conclave.projections.tasks.TaskStores.SAGA_RETIREMENTS;
import static io.conclave.projections.tasks.TaskStores.SUBMISSIONS;
import static io.conclave.projections.tasks.TaskStores.SUBMISSION_RETIREMENTS;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.agents.DecisionKeyOrder;
import io.conclave.projections.agents.DecisionQueries;
import io.conclave.projections.agents.DecisionView;
import io.conclave.projections.knowledge.KnowledgeTopology;
import io.conclave.projections.ledger.AgentLedger;
import io.conclave.projections.ledger.AgentLedgerFold;
import io.conclave.projections.ledger.LedgerStores;
import io.conclave.projections.ledger.TenantLedger;
import io.conclave.projections.operations.LeaderQueries;
import io.conclave.projections.operations.LeaderView;
import io.conclave.projections.runtime.JsonSerde;
import io.conclave.projections.runtime.KnowledgeSettings;
import io.conclave.projections.runtime.ProjectionTopology;
import io.conclave.projections.runtime.TopologyFactory;
import io.conclave.projections.sagas.SagaFold;
import io.conclave.projections.tasks.SubmissionFold;
import io.conclave.projections.tasks.TaskStores;
import io.conclave.projections.tasks.TaskView;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.topics.TopicNames;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The projections' Kafka Streams topology, assembled from the features' folds (the store names are
 * the features'):
 *
 * <ul>
 *   <li>{@value TaskStores#SUBMISSIONS}: taskId -> the submitted task (from conclave.tasks), for
 *       the saga retention ({@link SubmissionFold});
 *   <li>{@value TaskStores#SAGAS}: taskId -> its saga's {@link SagaState}, the fold of the saga's
 *       events (conclave.saga-events), until the saga retention has passed since it ended ({@link
 *       SagaFold});
 *   <li>{@value DecisionQueries#DECISIONS}: (agentId, sequence) -> decision, in sequence order per
 *       agent (conclave.decisions);
 *   <li>{@value LeaderQueries#LEADERS}: shard -> its latest announced leader (conclave.leadership);
 *   <li>{@value LedgerStores#LEDGER_AGENTS}: agentId -> what its model calls spent, the {@link
 *       AgentLedger} summed from its {@code LLM_CALL} decisions (conclave.decisions, no
 *       repartition);
 *   <li>{@value LedgerStores#LEDGER_TENANTS}: tenant -> what its sagas' settled steps spent, the
 *       {@link TenantLedger} summed from the saga fold's increments (repartitioned by tenant
 *       through {@value LedgerStores#LEDGER_TENANT_STEPS});
 *   <li>{@value KnowledgeTopology#STORE} and {@value KnowledgeTopology#HISTORY}: knowledge key ->
 *       the merge of its CRDT deltas, now and as of any time within the history retention
 *       (conclave.knowledge; see {@link KnowledgeTopology}).
 * </ul>
 *
 * The application's id and input topics are {@link ProjectionTopology}'s.
 */
@Singleton
public final class TopologyAssembly implements TopologyFactory {
  private final ConclaveSettings conclave;
  private final ConclaveSerdes serdes;
  private final JsonMapper json;
  private final KnowledgeSettings knowledge;

  TopologyAssembly(
      ConclaveSettings conclave,
      ConclaveSerdes serdes,
      JsonMapper json,
      KnowledgeSettings knowledge) {
    this.conclave = conclave;
    this.serdes = serdes;
    this.json = json;
    this.knowledge = knowledge;
  }

  /** The serdes the topology reads, stores and writes with. */
  public record TopologySerdes(
      Serde<TaskSubmission> tasks,
      Serde<SagaEvent> sagaEvents,
      Serde<DecisionKey> decisionKeys,
      Serde<Decision> decisions,
      Serde<LeaderElected> leaders,
      Serde<TaskView> taskViews,
      Serde<SagaState> sagaStates,
      Serde<DecisionView> decisionViews,
      Serde<LeaderView> leaderViews,
      Serde<KnowledgeDelta> knowledgeDeltas,
      Serde<DeadLetter> deadLetters,
      Serde<AgentLedger> agentLedgers,
      Serde<TenantLedger> tenantLedgers) {}

  /** The {@link #build} the runtime runs, with Conclave's serdes and the configured retentions. */
  @Override
  public Supplier<Topology> topology(BooleanSupplier stopping) {
    var topologySerdes =
        new TopologySerdes(
            patient(serdes.taskSubmission(), stopping),
            patient(serdes.sagaEvent(), stopping),
            patient(serdes.decisionKey(), stopping),
            patient(serdes.decision(), stopping),
            patient(serdes.leaderElected(), stopping),
            new JsonSerde<>(json, TaskView.class),
            new JsonSerde<>(json, SagaState.class),
            new JsonSerde<>(json, DecisionView.class),
            new JsonSerde<>(json, LeaderView.class),
            patient(serdes.knowledgeDelta(), stopping),
            patient(serdes.deadLetter(), stopping),
            new JsonSerde<>(json, AgentLedger.class),
            new JsonSerde<>(json, TenantLedger.class));
    return () ->
        build(
            conclave.topics(),
            topologySerdes,
            knowledge.historyRetention(),
            SagaRetention.from(EnvironmentLookup.ofProcess()));
  }

  /**
   * The projections' topology.
   *
   * @param knowledgeHistoryRetention how long the knowledge history keeps versions behind the
   *     newest delta
   */
  public static Topology build(
      TopicNames topics, TopologySerdes serdes, Duration knowledgeHistoryRetention) {
    return build(topics, serdes, knowledgeHistoryRetention, SagaRetention.DEFAULT);
  }

  /**
   * The projections' topology.
   *
   * @param knowledgeHistoryRetention how long the knowledge history keeps versions behind the
   *     newest delta
   * @param sagaRetention how long ended sagas and submissions are kept
   */
  public static Topology build(
      TopicNames topics,
      TopologySerdes serdes,
      Duration knowledgeHistoryRetention,
      SagaRetention sagaRetention) {
    StreamsBuilder builder = new StreamsBuilder();
    Duration retention = sagaRetention.sagas();
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(SUBMISSIONS), Serdes.String(), serdes.taskViews()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(SUBMISSION_RETIREMENTS),
            Serdes.String(),
            Serdes.String()));
    builder.stream(topics.tasks(), Consumed.with(Serdes.String(), serdes.tasks()))
        .process(() -> new SubmissionFold(retention), SUBMISSIONS, SUBMISSION_RETIREMENTS);

    KStream<String, SagaEvent> sagaEvents =
        builder.stream(topics.sagaEvents(), Consumed.with(Serdes.String(), serdes.sagaEvents()));
    // A saga's events share one partition (partitioned by sagaId, one saga per task), so the fold
    // by task id runs where the events are: no repartition topic, no extra hop.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(SAGAS), Serdes.String(), serdes.sagaStates()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(SAGA_RETIREMENTS), Serdes.String(), Serdes.String()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(SAGA_COUNTS), Serdes.String(), Serdes.Long()));
    // the call ledger's tenant totals: derived from the saga events, not written by the workers
    // with every step. Tenants are few and each saga's events sit on its own shard, so the
    // increments are repartitioned by tenant.
    sagaEvents
        .process(() -> new SagaFold(retention), SAGAS, SAGA_RETIREMENTS, SAGA_COUNTS)
        .repartition(
            Repartitioned.<String, TenantLedger>as(LEDGER_TENANT_STEPS)
                .withKeySerde(Serdes.String())
                .withValueSerde(serdes.tenantLedgers()))
        .groupByKey(Grouped.with(Serdes.String(), serdes.tenantLedgers()))
        .reduce(
            TenantLedger::plus,
            Materialized.<String, TenantLedger, KeyValueStore<Bytes, byte[]>>as(LEDGER_TENANTS)
                .withKeySerde(Serdes.String())
                .withValueSerde(serdes.tenantLedgers()));

    KStream<DecisionKey, Decision> decisions =
        builder.stream(
            topics.decisions(), Consumed.with(serdes.decisionKeys(), serdes.decisions()));
    decisions
        .mapValues(d -> d == null ? null : DecisionView.of(d))
        .toTable(
            Materialized.<DecisionKey, DecisionView, KeyValueStore<Bytes, byte[]>>as(DECISIONS)
                .withKeySerde(new DecisionKeyOrder())
                .withValueSerde(serdes.decisionViews()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(LEDGER_AGENTS), Serdes.String(), serdes.agentLedgers()));
    decisions.process(AgentLedgerFold::new, LEDGER_AGENTS);

    builder.stream(topics.leadership(), Consumed.with(Serdes.String(), serdes.leaders()))
        .mapValues(e -> e == null ? null : LeaderView.of(e))
        .toTable(
            Materialized.<String, LeaderView, KeyValueStore<Bytes, byte[]>>as(LEADERS)
                .withKeySerde(Serdes.String())
                .withValueSerde(serdes.leaderViews()));

    KnowledgeTopology.addTo(
        builder, topics, serdes.knowledgeDeltas(), serdes.deadLetters(), knowledgeHistoryRetention);
    return builder.build();
  }
}
