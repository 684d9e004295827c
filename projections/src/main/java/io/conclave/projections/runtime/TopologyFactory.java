package io.conclave.projections.runtime;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.Topology;

/**
 * What {@link ProjectionRuntime} runs: the projections' topology, assembled from the features'
 * folds above the runtime. It reads {@link ProjectionTopology#inputTopics}.
 */
public interface TopologyFactory {
  /**
   * Builds the topology anew for each start of Kafka Streams.
   *
   * @param stopping whether the running instance is closing: then its serdes stop waiting for the
   *     schema registry ({@link RegistryPatience})
   */
  Supplier<Topology> topology(BooleanSupplier stopping);
}
