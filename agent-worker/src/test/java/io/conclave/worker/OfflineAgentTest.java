package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.core.SagaStep;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The offline agent answers without a network, the same request always with the same output. */
class OfflineAgentTest {
  private static final SagaStep GATHER = new SagaStep("research", "gather", "find sources for: llamas", "discard");
  private final Agent agent = new OfflineAgent("research");

  private static StepRequest request(String input) {
    return new StepRequest("saga-t1", "t1", 0, GATHER, input, 0);
  }

  private static String output(StepResult result) {
    assertThat(result).isInstanceOf(StepResult.Completed.class);
    return ((StepResult.Completed) result).output();
  }

  private static String digest(String output) {
    return output.substring(output.indexOf('[') + 1, output.indexOf(']'));
  }

  @Example
  void servesTheTypeItWasCreatedFor() {
    // then
    assertThat(agent.type()).isEqualTo("research");
  }

  @Example
  void theOutputNamesTypeAndActionThenADigestThenTheStepInputAndTheInput() {
    // when
    String out = output(agent.act(request("why are llamas fluffy?")));

    // then
    assertThat(out).startsWith("research.gather[");
    assertThat(digest(out)).matches("[0-9a-f]{8}");
    assertThat(out).endsWith("]: find sources for: llamas <- why are llamas fluffy?");
  }

  @Example
  void theResultIsAlsoRecordedAsTheStepsDecision() {
    // when
    var result = (StepResult.Completed) agent.act(request("why are llamas fluffy?"));

    // then
    assertThat(result.decisions())
        .containsExactly(new StepResult.DecisionDraft(StepEngine.RESULT_DECISION, result.output()));
  }

  @Example
  void inputsThatDifferOnlyBeyondTheAbbreviationStillGiveDifferentOutputs() {
    // given: the input is abbreviated to 77 characters + "..." in the output
    String common = "x".repeat(100);

    // when
    String a = output(agent.act(request(common + "a")));
    String b = output(agent.act(request(common + "b")));

    // then
    assertThat(a).endsWith("...").isNotEqualTo(b);
    assertThat(digest(a)).isNotEqualTo(digest(b));
  }

  @Property
  void theSameRequestGivesTheSameOutput(@ForAll("inputs") String input) {
    // when
    StepResult first = agent.act(request(input));
    StepResult second = new OfflineAgent("research").act(request(input));

    // then
    assertThat(second).isEqualTo(first);
    assertThat(output(first)).startsWith("research.gather[");
  }

  @Property
  void differentInputsGiveDifferentDigests(@ForAll("inputs") String a, @ForAll("inputs") String b) {
    Assume.that(!a.equals(b));

    // when
    String outA = output(agent.act(request(a)));
    String outB = output(agent.act(request(b)));

    // then
    assertThat(digest(outA)).isNotEqualTo(digest(outB));
  }

  @Property
  void theOutputStartsWithTypeDotAction(@ForAll("words") String type, @ForAll("words") String action,
                                        @ForAll("inputs") String input) {
    // given
    var step = new SagaStep(type, action, "", "undo");

    // when
    String out = output(new OfflineAgent(type).act(new StepRequest("saga-t1", "t1", 0, step, input, 0)));

    // then
    assertThat(out).startsWith(type + "." + action + "[");
  }

  @Provide
  Arbitrary<String> inputs() {
    return Arbitraries.strings().ofMaxLength(300);
  }

  @Provide
  Arbitrary<String> words() {
    return Arbitraries.strings().alpha().numeric().withChars('-', '_').ofMinLength(1).ofMaxLength(20);
  }
}
