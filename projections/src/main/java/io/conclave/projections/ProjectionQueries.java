package io.conclave.projections;

import io.conclave.core.DecisionKey;
import io.conclave.core.SagaState;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the projection stores of this instance. */
@Singleton
class ProjectionQueries {
  private final ProjectionRuntime runtime;

  ProjectionQueries(ProjectionRuntime runtime) {
    this.runtime = runtime;
  }

  /** The task with its saga, as far as known; empty if the task is unknown. */
  Optional<TaskView> task(String taskId) {
    TaskView submission =
        this.<String, TaskView, TaskView>read(ProjectionTopology.SUBMISSIONS, s -> s.get(taskId));
    return saga(taskId).map(saga -> TaskView.of(saga, submission)).or(() -> Optional.ofNullable(submission));
  }

  /** The state of task {@code taskId}'s saga; empty if no event of it was seen. */
  Optional<SagaState> saga(String taskId) {
    return Optional.ofNullable(this.<String, SagaState, SagaState>read(ProjectionTopology.SAGAS, s -> s.get(taskId)));
  }

  /** The first {@code query.limit()} sagas of this instance's store that match {@code query}, by task id. */
  List<SagaSummary> sagas(SagaQuery query) {
    return this.<String, SagaState, List<SagaSummary>>read(ProjectionTopology.SAGAS, store -> {
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
    });
  }

  /** How many sagas of this instance's store are in each status (every status, 0 for none). */
  Map<SagaState.Status, Long> sagaCounts() {
    return this.<String, SagaState, Map<SagaState.Status, Long>>read(ProjectionTopology.SAGAS, store -> {
      Map<SagaState.Status, Long> out = new EnumMap<>(SagaState.Status.class);
      for (SagaState.Status status : SagaState.Status.values()) {
        out.put(status, 0L);
      }
      try (var it = store.all()) {
        it.forEachRemaining(kv -> out.merge(kv.value.status(), 1L, Long::sum));
      }
      return out;
    });
  }

  /** The agent's decisions with sequence in [from, to], in sequence order. */
  List<DecisionView> decisions(String agentId, long from, long to) {
    Serializer<String> prefix = (topic, id) -> DecisionKeyOrder.prefix(id);
    return this.<DecisionKey, DecisionView, List<DecisionView>>read(ProjectionTopology.DECISIONS, store -> {
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

  /** Every shard's latest announced leader, by shard. */
  List<LeaderView> leaders() {
    return this.<String, LeaderView, List<LeaderView>>read(ProjectionTopology.LEADERS, store -> {
      List<LeaderView> out = new ArrayList<>();
      try (var it = store.all()) {
        it.forEachRemaining(kv -> out.add(kv.value));
      }
      out.sort(Comparator.comparingInt(LeaderView::shard));
      return out;
    });
  }

  private <K, V, R> R read(String storeName, Function<ReadOnlyKeyValueStore<K, V>, R> query) {
    ReadOnlyKeyValueStore<K, V> store = runtime.store(storeName, QueryableStoreTypes.<K, V>keyValueStore());
    try {
      return query.apply(store);
    } catch (InvalidStateStoreException e) {
      // the instance closed or lost the partition while the query ran
      throw new ProjectionUnavailableException("the projections are rebalancing or rebuilding; retry shortly", e);
    }
  }
}
