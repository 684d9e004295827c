package io.conclave.projections.knowledge;

import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.ProjectionRuntime;
import io.conclave.runtime.config.ConclaveSettings;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * {@link KnowledgeStores} over this instance's Kafka Streams ({@link ProjectionRuntime}): the
 * latest store through interactive queries on one partition, the versioned history through IQv2
 * (the only way to query a versioned store), both on active partitions only. Thread-safe.
 */
@Singleton
final class RuntimeKnowledgeStores implements KnowledgeStores {
  /**
   * Kafka Streams' string key partitioning, which is also the workers' default partitioner over
   * UTF-8 keys.
   */
  private static final Serializer<String> KEYS = new StringSerializer();

  private final ProjectionRuntime runtime;
  private final String topic;

  RuntimeKnowledgeStores(ProjectionRuntime runtime, ConclaveSettings settings) {
    this.runtime = runtime;
    this.topic = settings.topics().knowledge();
  }

  @Override
  public HostInfo self() {
    return runtime.requireSelf();
  }

  @Override
  public KeyQueryMetadata metadataForKey(String key) {
    return runtime.keyMetadata(KnowledgeTopology.STORE, key, KEYS);
  }

  @Override
  public Optional<KnowledgeState> latest(String key, int partition) {
    ReadOnlyKeyValueStore<String, KnowledgeState> store = latestStore(partition);
    try {
      return Optional.ofNullable(store.get(key));
    } catch (InvalidStateStoreException e) {
      throw moved(partition, e);
    }
  }

  @Override
  public Optional<KnowledgeState> asOf(String key, int partition, Instant at) {
    StateQueryResult<VersionedRecord<KnowledgeState>> result =
        runtime.query(
            StateQueryRequest.inStore(KnowledgeTopology.HISTORY)
                .withQuery(VersionedKeyQuery.<String, KnowledgeState>withKey(key).asOf(at))
                .withPartitions(Set.of(partition))
                .requireActive());
    QueryResult<VersionedRecord<KnowledgeState>> answer =
        result.getPartitionResults().get(partition);
    if (answer == null || answer.isFailure()) {
      String why =
          answer == null
              ? "no answer"
              : answer.getFailureReason() + ": " + answer.getFailureMessage();
      throw new ProjectionUnavailableException(
          "partition "
              + partition
              + " of the knowledge history cannot be read "
              + "on this instance now ("
              + why
              + "); retry shortly",
          null);
    }
    VersionedRecord<KnowledgeState> version = answer.getResult();
    return version == null ? Optional.empty() : Optional.of(version.value());
  }

  @Override
  public Served<KnowledgePage> localPage(String prefix, int limit) {
    Set<Integer> partitions = runtime.localActivePartitions(topic);
    List<KnowledgePage> pages = new ArrayList<>();
    for (int partition : partitions) {
      pages.add(page(partition, prefix, limit));
    }
    return new Served<>(KnowledgePage.merge(pages, limit), partitions);
  }

  private KnowledgePage page(int partition, String prefix, int limit) {
    ReadOnlyKeyValueStore<String, KnowledgeState> store = latestStore(partition);
    List<KnowledgeEntry> entries = new ArrayList<>();
    try (KeyValueIterator<String, KnowledgeState> it =
        prefix.isEmpty() ? store.all() : store.prefixScan(prefix, KEYS)) {
      while (it.hasNext() && entries.size() < limit) {
        var kv = it.next();
        entries.add(new KnowledgeEntry(kv.key, kv.value));
      }
      return new KnowledgePage(entries, it.hasNext());
    } catch (InvalidStateStoreException e) {
      throw moved(partition, e);
    }
  }

  @Override
  public Map<HostInfo, Set<Integer>> activePartitionsByHost() {
    return runtime.activePartitionsByHost(KnowledgeTopology.STORE, topic);
  }

  private ReadOnlyKeyValueStore<String, KnowledgeState> latestStore(int partition) {
    return runtime.store(KnowledgeTopology.STORE, QueryableStoreTypes.keyValueStore(), partition);
  }

  private static ProjectionUnavailableException moved(int partition, InvalidStateStoreException e) {
    // the instance closed or lost the partition while the query ran
    return new ProjectionUnavailableException(
        "partition "
            + partition
            + " of the knowledge store moved while it was "
            + "read (the group is rebalancing); retry shortly",
        e);
  }
}
