package io.conclave.projections.knowledge;

import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.ProjectionRuntime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * What the knowledge queries read of this instance's Kafka Streams: where keys live, and the local
 * stores. In service {@link RuntimeKnowledgeStores}, over {@link ProjectionRuntime}.
 *
 * <p>Every method throws {@link ProjectionUnavailableException} when it cannot answer now: Kafka
 * Streams is starting, rebalancing or rebuilding, or the partition asked for is not (or no longer)
 * active here. Thread-safe.
 */
interface KnowledgeStores {
  /** This instance's address, as the group knows it. */
  HostInfo self();

  /**
   * Where the key's partition of the knowledge store is; {@link KeyQueryMetadata#NOT_AVAILABLE}
   * while unknown.
   */
  KeyQueryMetadata metadataForKey(String key);

  /**
   * The key's merged state in partition {@code partition} of this instance; empty if no delta of it
   * was merged.
   */
  Optional<KnowledgeState> latest(String key, int partition);

  /**
   * The key's state as of {@code at}, from the history in partition {@code partition} of this
   * instance.
   */
  Optional<KnowledgeState> asOf(String key, int partition, Instant at);

  /**
   * The first {@code limit} keys starting with {@code prefix} in the partitions active here, and
   * those partitions.
   */
  Served<KnowledgePage> localPage(String prefix, int limit);

  /**
   * The partitions of the knowledge store each instance of the group holds (active), as this
   * instance knows.
   */
  Map<HostInfo, Set<Integer>> activePartitionsByHost();
}
