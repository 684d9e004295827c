package io.conclave.projections;

import static io.conclave.projections.runtime.RegistryPatience.patient;

import io.conclave.model.saga.SagaState;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.projections.agents.DecisionView;
import io.conclave.projections.ledger.AgentLedger;
import io.conclave.projections.ledger.TenantLedger;
import io.conclave.projections.operations.LeaderView;
import io.conclave.projections.runtime.JsonSerde;
import io.conclave.projections.runtime.KnowledgeSettings;
import io.conclave.projections.runtime.TopologyFactory;
import io.conclave.projections.tasks.TaskView;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.Topology;

/** The {@link ProjectionTopology} the runtime runs, with Conclave's serdes and the configured retentions. */
@Singleton
final class ProjectionTopologies implements TopologyFactory {
  private final ConclaveSettings conclave;
  private final ConclaveSerdes serdes;
  private final JsonMapper json;
  private final KnowledgeSettings knowledge;

  ProjectionTopologies(ConclaveSettings conclave, ConclaveSerdes serdes, JsonMapper json, KnowledgeSettings knowledge) {
    this.conclave = conclave;
    this.serdes = serdes;
    this.json = json;
    this.knowledge = knowledge;
  }

  @Override
  public Supplier<Topology> topology(BooleanSupplier stopping) {
    var topologySerdes = new ProjectionTopology.TopologySerdes(patient(serdes.taskSubmission(), stopping),
        patient(serdes.sagaEvent(), stopping), patient(serdes.decisionKey(), stopping),
        patient(serdes.decision(), stopping), patient(serdes.leaderElected(), stopping),
        new JsonSerde<>(json, TaskView.class), new JsonSerde<>(json, SagaState.class),
        new JsonSerde<>(json, DecisionView.class), new JsonSerde<>(json, LeaderView.class),
        patient(serdes.knowledgeDelta(), stopping), patient(serdes.deadLetter(), stopping),
        new JsonSerde<>(json, AgentLedger.class), new JsonSerde<>(json, TenantLedger.class));
    return () -> ProjectionTopology.build(conclave.topics(), topologySerdes, knowledge.historyRetention(),
        SagaRetention.from(EnvironmentLookup.ofProcess()));
  }

  @Override
  public List<String> inputTopics() {
    return ProjectionTopology.inputTopics(conclave.topics());
  }
}
