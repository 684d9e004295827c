package io.conclave.runtime.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShortTopicNamesTest {
  private final TopicNames names = new TopicNames("acme");

  @Test
  void aShortNameGetsThePrefixAndAFullNameIsKept() {
    // then
    assertThat(ShortTopicNames.resolve(names, "tasks")).isEqualTo("acme.tasks");
    assertThat(ShortTopicNames.resolve(names, "commands.research"))
        .isEqualTo("acme.commands.research");
    assertThat(ShortTopicNames.resolve(names, "acme.saga-events")).isEqualTo("acme.saga-events");
    assertThat(ShortTopicNames.resolve(names, "other.tasks"))
        .as("never leaves the installation")
        .isEqualTo("acme.other.tasks");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "a b", "../x", "a/b", "ä", "x:y"})
  void anIllegalNameIsRejected(String topic) {
    // when / then
    assertThatThrownBy(() -> ShortTopicNames.resolve(names, topic))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a topic name may only contain");
  }

  @Test
  void aNameLongerThanKafkaAllowsIsRejected() {
    // when / then
    assertThatThrownBy(() -> ShortTopicNames.resolve(names, "x".repeat(249)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a topic name has at most 249 characters");
  }
}
