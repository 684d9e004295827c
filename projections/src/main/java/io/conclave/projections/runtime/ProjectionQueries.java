package io.conclave.projections.runtime;

import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.saga.SagaState;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.projections.agents.DecisionKeyOrder;
import io.conclave.projections.agents.DecisionView;
import io.conclave.projections.http.FanOut;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.QueryRoute;
import io.conclave.projections.http.Served;
import io.conclave.projections.knowledge.KnowledgeQueries;
import io.conclave.projections.ledger.AgentLedger;
import io.conclave.projections.ledger.TenantLedger;
import io.conclave.projections.operations.LeaderView;
import io.conclave.projections.sagas.SagaQuery;
import io.conclave.projections.sagas.SagaSummary;
import io.conclave.projections.tasks.TaskView;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the projection stores over every projections instance of the group. Every store is partitioned like its topic,
 * and the group spreads the partitions over the instances: a task is answered by the instances holding its partitions
 * of the submissions and of the sagas (this one from its stores, another by asking it on {@code /peers}, see
 * {@link PeerController}; the two stores are separate sub-topologies, so their partitions can sit on different
 * instances), an agent's decisions and call ledger by the instance holding the agent's partition, a tenant's call
 * ledger by the instance holding the tenant's partition, and the saga and leader listings by
 * asking every instance for its partitions and merging the pages. It answers the whole truth or
 * {@link ProjectionUnavailableException} (503), as {@link KnowledgeQueries} does. Thread-safe.
 */
@Singleton
public class ProjectionQueries {
  /**
   * Tasks are keyed by task id on conclave.tasks, saga events partitioned by it, decisions by agent id
   * ({@code Partitioning}) and the tenants' ledger by tenant: the partition a string key would have.
   */
  private static final Serializer<String> KEYS = new StringSerializer();
  private static final String SAGA_STORE = "the sagas";
  private static final String LEADER_STORE = "the leaders";
  private static final Argument<List<SagaSummary>> SUMMARIES = Argument.listOf(SagaSummary.class);
  private static final Argument<List<LeaderView>> LEADERS = Argument.listOf(LeaderView.class);
  private static final Argument<List<DecisionView>> DECISIONS = Argument.listOf(DecisionView.class);

  private final ProjectionRuntime runtime;
  private final PeerHttp peers;
  private final JsonMapper json;
  private final String sagaEvents;
  private final String leadership;

  ProjectionQueries(ProjectionRuntime runtime, PeerHttp peers, JsonMapper json, ConclaveSettings settings) {
    this.runtime = runtime;
    this.peers = peers;
    this.json = json;
    this.sagaEvents = settings.topics().sagaEvents();
    this.leadership = settings.topics().leadership();
  }

  /** The task with its saga, as far as known; empty if the task is unknown. */
  public Optional<TaskView> task(String taskId) {
    Optional<SagaState> saga = saga(taskId, false);
    Optional<TaskView> submission = submission(taskId, false);
    return saga.map(s -> TaskView.of(s, submission.orElse(null))).or(() -> submission);
  }

  /**
   * The state of task {@code taskId}'s saga; empty if no event of it was seen.
   *
   * @param forwarded whether another instance asked this one: then it is answered from this instance's partition or
   *                  503, never asked of another (see {@link QueryRoute#of})
   */
  public Optional<SagaState> saga(String taskId, boolean forwarded) {
    return byTask(ProjectionTopology.SAGAS, taskId, forwarded, "/peers/sagas/", SagaState.class);
  }

  /** The task as submitted, before its saga; empty if not submitted (or erased). {@code forwarded} as in {@link #saga}. */
  Optional<TaskView> submission(String taskId, boolean forwarded) {
    return byTask(ProjectionTopology.SUBMISSIONS, taskId, forwarded, "/peers/submissions/", TaskView.class);
  }

  private <V> Optional<V> byTask(String store, String taskId, boolean forwarded, String peerPath, Class<V> type) {
    return byKey("task '" + taskId + "'", store, taskId, forwarded, peerPath, type);
  }

  /**
   * What the call ledger counted for agent instance {@code agentId}: its decisions' partition holds it. Empty if it
   * recorded no model call. {@code forwarded} as in {@link #saga}.
   */
  public Optional<AgentLedger> agentLedger(String agentId, boolean forwarded) {
    return byKey("the ledger of agent '" + agentId + "'", ProjectionTopology.LEDGER_AGENTS, agentId, forwarded,
        "/peers/ledger/agents/", AgentLedger.class);
  }

  /**
   * What the call ledger counted for {@code tenant}: the partition of its key in the tenants' repartition holds it.
   * Empty if no step of its sagas settled. {@code forwarded} as in {@link #saga}.
   */
  public Optional<TenantLedger> tenantLedger(String tenant, boolean forwarded) {
    return byKey("the ledger of tenant '" + tenant + "'", ProjectionTopology.LEDGER_TENANTS, tenant, forwarded,
        "/peers/ledger/tenants/", TenantLedger.class);
  }

  /** One value of a store keyed (and partitioned) by a string: from this instance's partition or its holder's. */
  private <V> Optional<V> byKey(String what, String store, String key, boolean forwarded, String peerPath,
                                Class<V> type) {
    HostInfo self = runtime.requireSelf();
    QueryRoute route = QueryRoute.of(what, runtime.keyMetadata(store, key, KEYS), self, forwarded);
    return route.answer(partition -> Optional.ofNullable(this.<String, V, V>read(store, partition, s -> s.get(key))),
        forward -> value(peers.get(self, forward.owner(), peerPath + PeerHttp.pathSegment(key)), Argument.of(type)));
  }

  /** A peer's answer to {@code GET /peers/...}: 200 the value, 404 none, otherwise {@link PeerHttp.Answer#failure}. */
  private <V> Optional<V> value(PeerHttp.Answer answer, Argument<V> type) {
    if (answer.status() == 404) {
      return Optional.empty();
    }
    if (answer.status() != 200) {
      throw answer.failure();
    }
    try {
      return Optional.of(json.readValue(answer.body(), type));
    } catch (IOException | RuntimeException e) {
      throw answer.unreadable(new IllegalArgumentException("not " + type.getTypeString(true) + ": " + e.getMessage()));
    }
  }

  /**
   * The first {@code query.limit()} sagas that match {@code query}, by task id, over every instance.
   *
   * @throws ProjectionUnavailableException if some partition cannot be read now (see {@link FanOut})
   */
  public List<SagaSummary> sagas(SagaQuery query) {
    HostInfo self = runtime.requireSelf();
    List<List<SagaSummary>> pages = FanOut.gather(SAGA_STORE, self,
        runtime.activePartitionsByHost(ProjectionTopology.SAGAS, sagaEvents),
        host -> peers.getAsync(self, host, "/peers/sagas?" + query.parameters()).thenApply(answer -> page(answer, SUMMARIES)),
        () -> localSagas(query));
    return SagaSummary.merge(pages, query.limit());
  }

  /** This instance's part of a saga listing another instance fans out: its partitions only, and which they are. */
  Served<List<SagaSummary>> localSagas(SagaQuery query) {
    List<List<SagaSummary>> pages = new ArrayList<>();
    Set<Integer> partitions = runtime.localActivePartitions(sagaEvents);
    for (int partition : partitions) {
      pages.add(this.<String, SagaState, List<SagaSummary>>read(ProjectionTopology.SAGAS, partition, store -> {
        List<SagaSummary> out = new ArrayList<>();
        try (var it = store.all()) {
          while (it.hasNext() && out.size() < query.limit()) {
            SagaState saga = it.next().value;
            if (query.matches(saga)) {
              out.add(SagaSummary.of(saga));
            }
          }
        }
        return out;
      }));
    }
    return new Served<>(SagaSummary.merge(pages, query.limit()), partitions);
  }

  /** A peer's part of a listing: 200 its page and the partitions it read, otherwise {@link PeerHttp.Answer#failure}. */
  private <P> Served<P> page(PeerHttp.Answer answer, Argument<P> type) {
    if (answer.status() != 200) {
      throw answer.failure();
    }
    P page = value(answer, type).orElseThrow();
    try {
      return new Served<>(page, answer.partitionsRead());
    } catch (IllegalArgumentException e) {
      throw answer.unreadable(e);
    }
  }

  /**
   * How many sagas of this instance's partitions are in each status (every status, 0 for none): a gauge of each
   * instance, which together count every saga once.
   */
  public Map<SagaState.Status, Long> sagaCounts() {
    return this.<String, Long, Map<SagaState.Status, Long>>read(ProjectionTopology.SAGA_COUNTS, store -> {
      Map<SagaState.Status, Long> out = new EnumMap<>(SagaState.Status.class);
      for (SagaState.Status status : SagaState.Status.values()) {
        out.put(status, 0L);
      }
      try (var it = store.all()) {
        it.forEachRemaining(kv -> out.merge(SagaState.Status.valueOf(kv.key), kv.value, Long::sum));
      }
      return out;
    });
  }

  /**
   * The agent's decisions with sequence in [from, to], in sequence order. {@code forwarded} as in {@link #saga}.
   */
  public List<DecisionView> decisions(String agentId, long from, long to, boolean forwarded) {
    HostInfo self = runtime.requireSelf();
    // decisions are partitioned by agent id (Partitioning), as a string key would be
    QueryRoute route = QueryRoute.of("agent '" + agentId + "'",
        runtime.keyMetadata(ProjectionTopology.DECISIONS, agentId, KEYS), self, forwarded);
    return route.answer(partition -> localDecisions(agentId, from, to, partition), forward -> {
      PeerHttp.Answer answer = peers.get(self, forward.owner(), "/peers/decisions/" + PeerHttp.pathSegment(agentId)
          + "?from=" + from + "&to=" + to);
      return value(answer, DECISIONS).orElseThrow(() -> answer.unreadable(new IllegalArgumentException("404")));
    });
  }

  private List<DecisionView> localDecisions(String agentId, long from, long to, int partition) {
    Serializer<String> prefix = (topic, id) -> DecisionKeyOrder.prefix(id);
    return this.<DecisionKey, DecisionView, List<DecisionView>>read(ProjectionTopology.DECISIONS, partition, store -> {
      List<DecisionView> out = new ArrayList<>();
      try (var it = store.prefixScan(agentId, prefix)) {
        it.forEachRemaining(kv -> {
          if (kv.key.agentId().equals(agentId) && kv.key.sequence() >= from && kv.key.sequence() <= to) {
            out.add(kv.value);
          }
        });
      }
      return out;
    });
  }

  /**
   * Every shard's latest announced leader, by shard, over every instance.
   *
   * @throws ProjectionUnavailableException if some partition cannot be read now (see {@link FanOut})
   */
  public List<LeaderView> leaders() {
    HostInfo self = runtime.requireSelf();
    List<LeaderView> out = new ArrayList<>();
    FanOut.gather(LEADER_STORE, self, runtime.activePartitionsByHost(ProjectionTopology.LEADERS, leadership),
        host -> peers.getAsync(self, host, "/peers/leaders").thenApply(answer -> page(answer, LEADERS)),
        this::localLeaders).forEach(out::addAll);
    out.sort(Comparator.comparingInt(LeaderView::shard));
    return out;
  }

  /** This instance's part of the leaders another instance fans out. */
  Served<List<LeaderView>> localLeaders() {
    Set<Integer> partitions = runtime.localActivePartitions(leadership);
    List<LeaderView> out = new ArrayList<>();
    for (int partition : partitions) {
      out.addAll(this.<String, LeaderView, List<LeaderView>>read(ProjectionTopology.LEADERS, partition, store -> {
        List<LeaderView> mine = new ArrayList<>();
        try (var it = store.all()) {
          it.forEachRemaining(kv -> mine.add(kv.value));
        }
        return mine;
      }));
    }
    return new Served<>(out, partitions);
  }

  /** Reads the store over every partition this instance holds. */
  private <K, V, R> R read(String storeName, Function<ReadOnlyKeyValueStore<K, V>, R> query) {
    return read(runtime.store(storeName, QueryableStoreTypes.<K, V>keyValueStore()), query);
  }

  /** Reads one partition of the store, which this instance must hold (active). */
  private <K, V, R> R read(String storeName, int partition, Function<ReadOnlyKeyValueStore<K, V>, R> query) {
    return read(runtime.store(storeName, QueryableStoreTypes.<K, V>keyValueStore(), partition), query);
  }

  private static <K, V, R> R read(ReadOnlyKeyValueStore<K, V> store, Function<ReadOnlyKeyValueStore<K, V>, R> query) {
    try {
      return query.apply(store);
    } catch (InvalidStateStoreException e) {
      // the instance closed or lost the partition while the query ran
      throw new ProjectionUnavailableException("the projections are rebalancing or rebuilding; retry shortly", e);
    }
  }
}
