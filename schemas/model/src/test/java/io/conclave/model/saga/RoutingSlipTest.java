package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutingSlipTest {
  private static final List<SagaStep> THREE_STEPS =
      List.of(
          new SagaStep("research", "search", "llamas", "forget-search"),
          new SagaStep("analysis", "compare", "", "forget-comparison"),
          new SagaStep("write", "draft", "", "delete-draft"));

  @Test
  void startsOnTheFirstStep() {
    // when
    RoutingSlip slip = RoutingSlip.start("saga-1", "task-1", THREE_STEPS);

    // then
    assertThat(slip.cursor()).isZero();
    assertThat(slip.current()).isEqualTo(THREE_STEPS.get(0));
    assertThat(slip.isLastStep()).isFalse();
  }

  @Test
  void advanceMovesToTheNextStepAndKeepsThePlan() {
    // given
    RoutingSlip slip = RoutingSlip.start("saga-1", "task-1", THREE_STEPS);

    // when
    RoutingSlip next = slip.advance().orElseThrow();

    // then
    assertThat(next.cursor()).isEqualTo(1);
    assertThat(next.current()).isEqualTo(THREE_STEPS.get(1));
    assertThat(next.steps()).isEqualTo(slip.steps());
    assertThat(next.sagaId()).isEqualTo("saga-1");
    assertThat(next.taskId()).isEqualTo("task-1");
    assertThat(slip.cursor()).as("the original slip is unchanged").isZero();
  }

  @Test
  void theLastStepHasNoNext() {
    // given
    RoutingSlip last =
        RoutingSlip.start("saga-1", "task-1", THREE_STEPS)
            .advance()
            .orElseThrow()
            .advance()
            .orElseThrow();

    // when / then
    assertThat(last.isLastStep()).isTrue();
    assertThat(last.current()).isEqualTo(THREE_STEPS.get(2));
    assertThat(last.advance()).isEmpty();
  }

  @Test
  void aOneStepSlipStartsOnItsLastStep() {
    // given
    RoutingSlip slip = RoutingSlip.start("saga-1", "task-1", THREE_STEPS.subList(0, 1));

    // when / then
    assertThat(slip.isLastStep()).isTrue();
    assertThat(slip.advance()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 3, 4, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void aCursorOutsideThePlanIsRejected(int cursor) {
    // when / then
    assertThatThrownBy(() -> new RoutingSlip("saga-1", "task-1", THREE_STEPS, cursor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cursor " + cursor + " outside the 3 steps");
  }

  @Test
  void anEmptyPlanIsRejected() {
    // when / then
    assertThatThrownBy(() -> RoutingSlip.start("saga-1", "task-1", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one step");
  }

  @Test
  void blankIdsAreRejectedNamingTheField() {
    // when / then
    assertThatThrownBy(() -> RoutingSlip.start(" ", "task-1", THREE_STEPS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sagaId");
    assertThatThrownBy(() -> RoutingSlip.start("saga-1", null, THREE_STEPS))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("taskId");
  }

  @Test
  void thePlanIsCopiedSoTheCallerCannotChangeIt() {
    // given
    List<SagaStep> steps = new ArrayList<>(THREE_STEPS);
    RoutingSlip slip = RoutingSlip.start("saga-1", "task-1", steps);

    // when
    steps.clear();

    // then
    assertThat(slip.steps()).hasSize(3);
    assertThatThrownBy(() -> slip.steps().add(THREE_STEPS.get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
