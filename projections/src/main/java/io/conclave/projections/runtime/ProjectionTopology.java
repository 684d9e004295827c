package io.conclave.projections.runtime;

import io.conclave.runtime.topics.TopicNames;
import java.util.List;

/**
 * The projections' Kafka Streams application as the runtime and the admin tools see it: its id and
 * the topics it reads. The topology itself is assembled from the features' folds above the runtime
 * ({@link TopologyFactory}).
 */
public final class ProjectionTopology {
  private ProjectionTopology() {}

  /**
   * The Kafka Streams application id (and consumer group) of the projections, unless configured
   * otherwise.
   */
  public static String applicationId(TopicNames topics) {
    return topics.projectionsApplicationId();
  }

  /** The topics the projections read: a rebuild moves the application's offsets on these. */
  public static List<String> inputTopics(TopicNames topics) {
    return List.of(
        topics.tasks(),
        topics.sagaEvents(),
        topics.decisions(),
        topics.leadership(),
        topics.knowledge());
  }
}
