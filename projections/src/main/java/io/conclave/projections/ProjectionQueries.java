package io.conclave.projections;

import io.conclave.core.DecisionKey;
import io.micronaut.configuration.kafka.streams.InteractiveQueryService;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the projection stores of this instance. */
@Singleton
class ProjectionQueries {
  private final InteractiveQueryService queries;

  ProjectionQueries(InteractiveQueryService queries) {
    this.queries = queries;
  }

  /** The task's saga view, completed with its submission; empty if the task is unknown. */
  Optional<TaskView> task(String taskId) {
    TaskView saga = this.<String, TaskView, TaskView>read(ProjectionTopology.SAGAS, s -> s.get(taskId));
    TaskView submission =
        this.<String, TaskView, TaskView>read(ProjectionTopology.SUBMISSIONS, s -> s.get(taskId));
    if (saga == null) {
      return Optional.ofNullable(submission);
    }
    return Optional.of(submission == null ? saga : saga.withSubmission(submission));
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
    try {
      ReadOnlyKeyValueStore<K, V> store = queries
          .<ReadOnlyKeyValueStore<K, V>>getQueryableStore(storeName, QueryableStoreTypes.keyValueStore())
          .orElseThrow(() -> new ProjectionUnavailableException("the " + storeName + " projection is not ready", null));
      return query.apply(store);
    } catch (InvalidStateStoreException e) {
      throw new ProjectionUnavailableException("the projections are starting or rebalancing; retry shortly", e);
    } catch (IllegalStateException e) {
      // KafkaStreams.store() in PENDING_ERROR / ERROR: this instance cannot answer until it is restarted
      throw new ProjectionUnavailableException("the projections are not running: " + e.getMessage(), e);
    }
  }
}
