package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rendering and checking a step's input mapping. */
class InputMappingTest {

  @Test
  void placeholdersAreReplacedByThePromptThePreviousStageAndEarlierSteps() {
    // given
    RoutingSlip slip =
        slip(
            List.of(step(""), step(""), step("Q: ${prompt}\nA: ${previous}\nFirst: ${steps.0}")),
            Map.of(0, "zero", 1, "one"));

    // when
    String input = InputMapping.render(slip, 2);

    // then
    assertThat(input).isEqualTo("Q: the prompt\nA: one\nFirst: zero");
  }

  @Test
  void aDoubleDollarIsADollarAndProtectsWhatFollows() {
    // given
    RoutingSlip slip =
        slip(List.of(step("costs $$5, literally $${prompt}, but ${prompt}")), Map.of());

    // when / then
    assertThat(InputMapping.render(slip, 0))
        .isEqualTo("costs $5, literally ${prompt}, but the prompt");
  }

  @Test
  void outputsAreInsertedLiterallyEvenWithDollarsAndBackslashes() {
    // given
    RoutingSlip slip =
        slip(List.of(step(""), step("got: ${steps.0}")), Map.of(0, "$1 \\o/ ${prompt}"));

    // when / then: neither regex group references nor placeholders inside an output are interpreted
    assertThat(InputMapping.render(slip, 1)).isEqualTo("got: $1 \\o/ ${prompt}");
  }

  @Test
  void aStepWithoutOutputRendersEmpty() {
    // given: step 0 failed or has not run
    RoutingSlip slip = slip(List.of(step(""), step("[${steps.0}] [${previous}]")), Map.of());

    // when / then
    assertThat(InputMapping.render(slip, 1)).isEqualTo("[] []");
  }

  @Test
  void textWithoutPlaceholdersIsKeptAsItIs() {
    // given
    RoutingSlip slip = slip(List.of(step("plain $ text {prompt} $")), Map.of());

    // when / then
    assertThat(InputMapping.render(slip, 0)).isEqualTo("plain $ text {prompt} $");
  }

  @Test
  void thePreviousOutputOfTheFirstStageIsThePrompt() {
    // given
    RoutingSlip slip =
        slip(List.of(step("${previous}"), step("${previous}").inParallel()), Map.of());

    // when / then
    assertThat(InputMapping.render(slip, 0)).isEqualTo("the prompt");
    assertThat(InputMapping.render(slip, 1)).isEqualTo("the prompt");
  }

  @Test
  void thePreviousOutputOfAParallelStageJoinsItsOutputsInStepOrder() {
    // given: branches 2 and 1 completed (in that order); branch 3 failed; step 4 follows the stage
    RoutingSlip slip =
        slip(
            List.of(
                step(""),
                step(""),
                step("").inParallel(),
                step("").inParallel(),
                step("${previous}")),
            Map.of(0, "zero", 2, "two", 1, "one"));

    // when / then: the failed branch contributes nothing
    assertThat(InputMapping.render(slip, 4)).isEqualTo("one\n\ntwo");
  }

  @Test
  void approvalsAreSkippedWhenLookingForThePreviousOutput() {
    // given: research; editor approval; write — and a stage mixing an approval with a step
    RoutingSlip slip =
        slip(
            List.of(
                step(""),
                SagaStep.approval("editor", StepPolicy.DEFAULT),
                step("${previous}"),
                step(""),
                SagaStep.approval("legal", StepPolicy.DEFAULT).inParallel(),
                step("${previous}")),
            Map.of(
                0, "findings", 1, "approved by ana", 2, "draft", 3, "final", 4, "approved by bob"));

    // when / then
    assertThat(InputMapping.render(slip, 2)).isEqualTo("findings");
    assertThat(InputMapping.render(slip, 5)).isEqualTo("final");
  }

  @Test
  void aPlanStartingWithApprovalsGivesThePromptToTheFirstWorker() {
    // given
    RoutingSlip slip =
        slip(
            List.of(SagaStep.approval("editor", StepPolicy.DEFAULT), step("${previous}")),
            Map.of(0, "approved"));

    // when / then
    assertThat(InputMapping.render(slip, 1)).isEqualTo("the prompt");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "${prompt}",
        "${previous}",
        "${steps.0}",
        "${steps.2}",
        "$$",
        "$${nonsense}",
        "a $ b",
        "${prompt}${previous}${steps.1}"
      })
  void validMappingsPassTheCheck(String template) {
    // when / then
    assertThatCode(() -> InputMapping.check(template, 3, 5)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "${steps.3}",
        "${steps.4}",
        "${steps}",
        "${previous.1}",
        "${prompt.0}",
        "${output}",
        "${steps.x}",
        "${Prompt}",
        "${ previous }",
        "${steps.12345}",
        "${steps.-1}"
      })
  void aWrongPlaceholderIsRejectedNamingTheStepAndThePlaceholder(String template) {
    // when / then
    assertThatThrownBy(() -> InputMapping.check("see " + template + " here", 3, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("step 3: input placeholder '" + template + "'");
  }

  private static SagaStep step(String input) {
    return new SagaStep("agent", "act", input, "undo");
  }

  private static RoutingSlip slip(List<SagaStep> steps, Map<Integer, String> outputs) {
    return new RoutingSlip("saga-1", "task-1", "the prompt", steps, 0, outputs, Map.of());
  }
}
