package io.conclave.runtime.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.topics.TopicDeclaration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConclaveTopicsTest {
  private final ConclaveSettings settings =
      ConclaveSettings.from(
          Map.of(
              "CONCLAVE_TOPIC_PREFIX",
              "t",
              "CONCLAVE_PARTITIONS",
              "6",
              "CONCLAVE_AGENT_TYPES",
              "research,write"),
          Map.of());
  private final Map<String, TopicDeclaration> byName =
      ConclaveTopics.declarations(settings).stream()
          .collect(Collectors.toMap(TopicDeclaration::name, Function.identity()));

  @Test
  void stateTopicsAreCompacted() {
    // then
    assertThat(
            List.of(
                "t.decisions", "t.snapshots", "t.agent-health", "t.leadership", "t.checkpoints"))
        .allSatisfy(
            name -> assertThat(byName.get(name).cleanupPolicy()).as(name).isEqualTo("compact"));
  }

  @Test
  void tasksAndSagaEventsAreCompactedAndKeptForTheSagaRetention() {
    // given
    var retention = new SagaRetention(java.time.Duration.ofHours(6));

    // when
    Map<String, TopicDeclaration> declared =
        ConclaveTopics.declarations(settings, retention).stream()
            .collect(Collectors.toMap(TopicDeclaration::name, Function.identity()));

    // then
    assertThat(List.of("t.tasks", "t.saga-events"))
        .allSatisfy(
            name -> {
              assertThat(declared.get(name).cleanupPolicy()).as(name).isEqualTo("compact,delete");
              assertThat(declared.get(name).configs())
                  .as(name)
                  .containsEntry("retention.ms", "21600000")
                  .containsEntry("segment.ms", "5400000");
            });
    assertThat(byName.get("t.tasks").configs())
        .as("the default: 24 h")
        .containsEntry("retention.ms", "86400000");
  }

  @Test
  void sagaDefinitionsAreCompactedOneRecordPerName() {
    assertThat(byName.get("t.saga-definitions").cleanupPolicy()).isEqualTo("compact");
  }

  @Test
  void streamTopicsDeleteOldRecords() {
    // then
    assertThat(
            List.of(
                "t.commands.research",
                "t.commands.write",
                "t.compensations.research",
                "t.compensations.write",
                "t.knowledge",
                "t.dead-letters",
                "t.shadow"))
        .allSatisfy(
            name -> assertThat(byName.get(name).cleanupPolicy()).as(name).isEqualTo("delete"));
  }

  @Test
  void eachAgentTypeGetsOneCommandAndOneCompensationTopic() {
    // when
    List<String> names =
        ConclaveTopics.declarations(settings).stream().map(TopicDeclaration::name).toList();

    // then
    assertThat(names).doesNotHaveDuplicates().hasSize(11 + 2 * 2);
    assertThat(names.stream().filter(n -> n.startsWith("t.commands.")))
        .containsExactlyInAnyOrder("t.commands.research", "t.commands.write");
    assertThat(names.stream().filter(n -> n.startsWith("t.compensations.")))
        .containsExactlyInAnyOrder("t.compensations.research", "t.compensations.write");
  }

  @Test
  void theDefaultAgentTypesEachGetTheirTopics() {
    // given
    ConclaveSettings defaults = ConclaveSettings.from(Map.of(), Map.of());

    // when
    List<String> names =
        ConclaveTopics.declarations(defaults).stream().map(TopicDeclaration::name).toList();

    // then
    for (String type : ConclaveSettings.DEFAULT_AGENT_TYPES) {
      assertThat(names)
          .containsOnlyOnce("conclave.commands." + type, "conclave.compensations." + type);
    }
    assertThat(names).hasSize(11 + 2 * ConclaveSettings.DEFAULT_AGENT_TYPES.size());
  }

  @Test
  void singleWriterTopicsHaveOnePartitionAndTheRestTheConfiguredNumber() {
    // then
    assertThat(byName)
        .allSatisfy(
            (name, d) -> {
              int expected =
                  List.of("t.agent-health", "t.leadership", "t.dead-letters", "t.saga-definitions")
                          .contains(name)
                      ? 1
                      : 6;
              assertThat(d.partitions()).as(name).isEqualTo(expected);
            });
  }

  @Test
  void minInSyncReplicasIsOneLessThanTheReplicationFactorButAtLeastOne() {
    // given
    ConclaveSettings three =
        ConclaveSettings.from(Map.of("CONCLAVE_REPLICATION_FACTOR", "3"), Map.of());

    // then
    assertThat(ConclaveTopics.declarations(three))
        .allSatisfy(
            d -> {
              assertThat(d.replicationFactor()).isEqualTo((short) 3);
              assertThat(d.configs()).containsEntry("min.insync.replicas", "2");
            });
    assertThat(byName.values())
        .allSatisfy(d -> assertThat(d.configs()).containsEntry("min.insync.replicas", "1"));
  }
}
