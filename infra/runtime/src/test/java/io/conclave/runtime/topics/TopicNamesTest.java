package io.conclave.runtime.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicNamesTest {
  private final TopicNames names = new TopicNames("acme");

  @Test
  void everyTopicLivesUnderThePrefix() {
    // then
    assertThat(
            List.of(
                names.tasks(),
                names.decisions(),
                names.snapshots(),
                names.sagaEvents(),
                names.knowledge(),
                names.agentHealth(),
                names.leadership(),
                names.deadLetters()))
        .containsExactly(
            "acme.tasks",
            "acme.decisions",
            "acme.snapshots",
            "acme.saga-events",
            "acme.knowledge",
            "acme.agent-health",
            "acme.leadership",
            "acme.dead-letters");
    assertThat(names.commands("research")).isEqualTo("acme.commands.research");
    assertThat(names.compensations("write_2.v-1")).isEqualTo("acme.compensations.write_2.v-1");
    assertThat(TopicNames.defaults().tasks()).isEqualTo("conclave.tasks");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "has space", "slash/ed", "colon:x", "ümlaut", "star*", "new\nline"})
  void anIllegalAgentTypeIsRejected(String agentType) {
    // when / then
    assertThatThrownBy(() -> names.commands(agentType))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("agent type may only contain")
        .hasMessageEndingWith(": " + agentType);
    assertThatThrownBy(() -> names.compensations(agentType))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("agent type may only contain");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a/b", "ä"})
  void anIllegalPrefixIsRejected(String prefix) {
    // when / then
    assertThatThrownBy(() -> new TopicNames(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topic prefix may only contain");
  }
}
