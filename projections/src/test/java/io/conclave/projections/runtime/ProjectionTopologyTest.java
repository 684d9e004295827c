package io.conclave.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.TopologyAssembly;
import io.conclave.projections.knowledge.KnowledgeTopology;
import io.conclave.projections.ledger.LedgerStores;
import io.conclave.projections.sagas.SagaFold;
import io.conclave.projections.sagas.SagaHistories;
import io.conclave.projections.sagas.SagaHistories.Script;
import io.conclave.projections.sagas.SagaHistories.Undo;
import io.conclave.projections.tasks.TaskStores;
import io.conclave.projections.tasks.TaskView;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.topics.TopicNames;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectionTopologyTest {
  private final TopicNames topics = new TopicNames("acme");

  @Test
  void theInputTopicsAreExactlyTheTopicsTheTopologyReads() {
    // given: the serdes play no part in the wiring
    var serdes =
        new TopologyAssembly.TopologySerdes(
            null, null, null, null, null, null, null, null, null, null, null, null, null);

    // when
    TopologyDescription description =
        TopologyAssembly.build(topics, serdes, KnowledgeTopology.DEFAULT_HISTORY_RETENTION)
            .describe();

    // then
    Set<String> read = new HashSet<>();
    description
        .subtopologies()
        .forEach(
            s ->
                s.nodes()
                    .forEach(
                        node -> {
                          if (node instanceof TopologyDescription.Source source) {
                            read.addAll(source.topicSet());
                          }
                        }));
    // the application's own repartition topics are internal: a rebuild deletes them instead of
    // resetting them
    assertThat(read).contains(LedgerStores.LEDGER_TENANT_STEPS + "-repartition");
    read.removeIf(topic -> topic.endsWith("-repartition"));
    assertThat(read).containsExactlyInAnyOrderElementsOf(ProjectionTopology.inputTopics(topics));
    assertThat(ProjectionTopology.inputTopics(topics))
        .containsExactly(
            "acme.tasks",
            "acme.saga-events",
            "acme.decisions",
            "acme.leadership",
            "acme.knowledge");
    assertThat(ProjectionTopology.applicationId(topics)).isEqualTo("acme-projections");
  }

  @Test
  void theSagaStoreHoldsTheFoldOfEachTasksSagaEventsInJsonAndRedeliveryWritesNothing(
      @TempDir Path stateDir) {
    // given: a saga whose last step fails and whose compensations are retried and parked
    Script script =
        new Script("task-7", 3, Set.of(1), 2, Map.of(2, Undo.RETRIED_THEN_DONE, 0, Undo.PARKED));
    List<SagaEvent> events = script.events();
    var serdes = TestTopologies.serdes();

    try (var driver = TestTopologies.driver(topics, serdes, stateDir)) {
      TestInputTopic<String, SagaEvent> in =
          driver.createInputTopic(
              topics.sagaEvents(), Serdes.String().serializer(), serdes.sagaEvents().serializer());
      TestInputTopic<String, TaskSubmission> tasks =
          driver.createInputTopic(
              topics.tasks(), Serdes.String().serializer(), serdes.tasks().serializer());
      var changelog =
          driver.createOutputTopic(
              ProjectionTopology.applicationId(topics) + "-" + TaskStores.SAGAS + "-changelog",
              Serdes.String().deserializer(),
              Serdes.ByteArray().deserializer());

      // when
      tasks.pipeInput(
          script.taskId(),
          new TaskSubmission(script.taskId(), SagaHistories.PROMPT, SagaHistories.T0));
      events.forEach(e -> in.pipeInput(ConclaveRecords.sagaEventKey(e.sagaId(), e.seq()), e));
      int written = changelog.readValuesToList().size();
      events.forEach(e -> in.pipeInput(ConclaveRecords.sagaEventKey(e.sagaId(), e.seq()), e));

      // then
      KeyValueStore<String, SagaState> sagas = driver.getKeyValueStore(TaskStores.SAGAS);
      KeyValueStore<String, TaskView> submissions = driver.getKeyValueStore(TaskStores.SUBMISSIONS);
      assertThat(sagas.get(script.taskId())).isEqualTo(SagaHistories.fold(events));
      assertThat(sagas.get(script.taskId()).status()).isEqualTo(SagaState.Status.FAILED);
      assertThat(written).as("one state per event that changed it").isEqualTo(changes(events));
      assertThat(changelog.isEmpty())
          .as("redelivered events change nothing, so nothing is written")
          .isTrue();
      assertThat(
              TaskView.of(sagas.get(script.taskId()), submissions.get(script.taskId()))
                  .submittedAt())
          .isEqualTo(SagaHistories.T0);
    }
  }

  /** How many of {@code events} change the state they are folded into. */
  private static int changes(List<SagaEvent> events) {
    int changes = 0;
    SagaState state = null;
    for (SagaEvent e : events) {
      SagaState next = SagaFold.apply(state, e);
      changes += next.equals(state) ? 0 : 1;
      state = next;
    }
    return changes;
  }
}
