package io.conclave.model.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskSubmissionTest {
  private static final Instant AT = Instant.parse("2024-05-01T10:15:30.123Z");

  @Test
  void aWellFormedSubmissionIsAccepted() {
    // when
    TaskSubmission t = new TaskSubmission("Task_1.a-B", "summarise the news", AT);

    // then
    assertThat(t.taskId()).isEqualTo("Task_1.a-B");
    assertThat(t.prompt()).isEqualTo("summarise the news");
    assertThat(t.submittedAt()).isEqualTo(AT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t", "\n  "})
  void aBlankPromptIsRejectedNamingTheField(String prompt) {
    // when / then
    assertThatThrownBy(() -> new TaskSubmission("task-1", prompt, AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prompt must not be blank");
  }

  @Test
  void aMissingPromptIsRejectedNamingTheField() {
    // when / then
    assertThatThrownBy(() -> new TaskSubmission("task-1", null, AT))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("prompt is required");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"has space", "slash/ed", "colon:1", "émoji", "naïve", "a\u00A0b", "tab\t", "ü"})
  void anIdWithIllegalCharactersIsRejectedNamingTheField(String id) {
    // when / then
    assertThatThrownBy(() -> new TaskSubmission(id, "prompt", AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("taskId ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void aBlankIdIsRejectedNamingTheField(String id) {
    // when / then
    assertThatThrownBy(() -> new TaskSubmission(id, "prompt", AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("taskId must not be blank");
  }

  @Test
  void aMissingIdIsRejectedNamingTheField() {
    // when / then
    assertThatThrownBy(() -> new TaskSubmission(null, "prompt", AT))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("taskId is required");
  }

  @Test
  void anIdOfTheMaximumLengthIsAcceptedAndOneLongerIsRejected() {
    // given
    String longest = "a".repeat(TaskSubmission.MAX_ID_LENGTH);

    // when / then
    assertThat(new TaskSubmission(longest, "prompt", AT).taskId()).hasSize(128);
    assertThatThrownBy(() -> new TaskSubmission(longest + "a", "prompt", AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("taskId must be at most 128 characters");
  }

  @Test
  void aMissingSubmissionTimeIsRejectedNamingTheField() {
    // when / then
    assertThatThrownBy(() -> new TaskSubmission("task-1", "prompt", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("submittedAt is required");
  }
}
