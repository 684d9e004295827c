package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.cluster.TaskSubmission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SagaIdsTest {
  @Test
  void aSagaIdIsItsTaskIdPrefixedAndBack() {
    // given
    String longest = "t".repeat(TaskSubmission.MAX_ID_LENGTH);

    // then
    assertThat(SagaIds.of("task-42")).isEqualTo("saga-task-42");
    assertThat(SagaIds.taskIdOf("saga-task-42")).isEqualTo("task-42");
    assertThat(SagaIds.taskIdOf(SagaIds.of(longest)))
        .as("the longest task id has a saga id too")
        .isEqualTo(longest);
  }

  @ParameterizedTest
  @ValueSource(strings = {"task-42", "saga", "Saga-1", "", " "})
  void anIdWithoutThePrefixIsRejectedNamingSagaId(String sagaId) {
    assertThatThrownBy(() -> SagaIds.taskIdOf(sagaId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sagaId ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"saga-", "saga-a b", "saga-../x", "saga-é"})
  void anIdWhoseTaskIdIsMalformedIsRejectedNamingBoth(String sagaId) {
    assertThatThrownBy(() -> SagaIds.taskIdOf(sagaId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sagaId must be 'saga-' followed by the task id: the taskId ");
  }

  @Test
  void aTooLongTaskIdIsRejected() {
    assertThatThrownBy(
            () -> SagaIds.taskIdOf("saga-" + "t".repeat(TaskSubmission.MAX_ID_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("at most 128 characters");
  }
}
