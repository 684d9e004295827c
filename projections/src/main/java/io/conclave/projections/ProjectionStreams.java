package io.conclave.projections;

import io.conclave.core.SagaEvent;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.kstream.KStream;

/** Registers the projection topology on micronaut-kafka-streams' {@code default} stream. */
@Factory
class ProjectionStreams {
  @Singleton
  @Named("default")
  KStream<String, SagaEvent> projections(@Named("default") ConfiguredStreamBuilder builder, ConclaveSettings settings,
                                         ConclaveSerdes serdes, JsonMapper json) {
    var topologySerdes = new ProjectionTopology.TopologySerdes(serdes.taskSubmission(), serdes.sagaEvent(),
        serdes.decisionKey(), serdes.decision(), serdes.leaderElected(), new JsonSerde<>(json, TaskView.class),
        new JsonSerde<>(json, DecisionView.class), new JsonSerde<>(json, LeaderView.class));
    return ProjectionTopology.build(builder, settings.topics(), topologySerdes);
  }
}
