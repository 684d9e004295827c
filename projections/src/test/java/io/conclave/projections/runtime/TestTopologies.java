package io.conclave.projections.runtime;

import io.conclave.model.saga.SagaState;
import io.conclave.projections.TopologyAssembly;
import io.conclave.projections.agents.DecisionView;
import io.conclave.projections.knowledge.KnowledgeTopology;
import io.conclave.projections.ledger.AgentLedger;
import io.conclave.projections.ledger.TenantLedger;
import io.conclave.projections.operations.LeaderView;
import io.conclave.projections.tasks.TaskView;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.topics.TopicNames;
import io.micronaut.serde.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/** The projections' whole topology in a {@link TopologyTestDriver}: no broker. */
public final class TestTopologies {
  private TestTopologies() {}

  /**
   * By reference on the topics (their wire format is not tested here), JSON in the stores as in
   * production.
   */
  public static TopologyAssembly.TopologySerdes serdes() {
    var json = ObjectMapper.getDefault();
    return new TopologyAssembly.TopologySerdes(
        new ByReference<>(),
        new ByReference<>(),
        new ByReference<>(),
        new ByReference<>(),
        new ByReference<>(),
        new JsonSerde<>(json, TaskView.class),
        new JsonSerde<>(json, SagaState.class),
        new JsonSerde<>(json, DecisionView.class),
        new JsonSerde<>(json, LeaderView.class),
        new ByReference<>(),
        new ByReference<>(),
        new JsonSerde<>(json, AgentLedger.class),
        new JsonSerde<>(json, TenantLedger.class));
  }

  /**
   * A driver over the topology of {@code topics} with {@code serdes}, its state under {@code
   * stateDir}.
   */
  public static TopologyTestDriver driver(
      TopicNames topics, TopologyAssembly.TopologySerdes serdes, Path stateDir) {
    return driver(topics, serdes, stateDir, SagaRetention.DEFAULT, Instant.now());
  }

  /**
   * The same with the saga retention {@code retention}, the driver's wall clock starting at {@code
   * wallClock}.
   */
  public static TopologyTestDriver driver(
      TopicNames topics,
      TopologyAssembly.TopologySerdes serdes,
      Path stateDir,
      SagaRetention retention,
      Instant wallClock) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, ProjectionTopology.applicationId(topics));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new TopologyTestDriver(
        TopologyAssembly.build(
            topics, serdes, KnowledgeTopology.DEFAULT_HISTORY_RETENTION, retention),
        props,
        wallClock);
  }
}
