package io.conclave.projections;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.kafka.TopicNames;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class ProjectionTopologyTest {
  private final TopicNames topics = new TopicNames("acme");

  @Test
  void theInputTopicsAreExactlyTheTopicsTheTopologyReads() {
    // given: the serdes play no part in the wiring
    var serdes = new ProjectionTopology.TopologySerdes(null, null, null, null, null, null, null, null);

    // when
    TopologyDescription description = ProjectionTopology.build(topics, serdes).describe();

    // then
    Set<String> read = new HashSet<>();
    description.subtopologies().forEach(s -> s.nodes().forEach(node -> {
      if (node instanceof TopologyDescription.Source source) {
        read.addAll(source.topicSet());
      }
    }));
    assertThat(read).containsExactlyInAnyOrderElementsOf(ProjectionTopology.inputTopics(topics));
    assertThat(ProjectionTopology.inputTopics(topics))
        .containsExactly("acme.tasks", "acme.saga-events", "acme.decisions", "acme.leadership");
    assertThat(ProjectionTopology.applicationId(topics)).isEqualTo("acme-projections");
  }
}
