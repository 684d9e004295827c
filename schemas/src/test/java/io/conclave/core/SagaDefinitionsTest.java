package io.conclave.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Saga definitions as data: the builder and the JSON/YAML tree describe the same definitions, a definition survives
 * {@link SagaDefinitions#toTree} and {@link SagaDefinitions#fromTree} (also through JSON text), durations read in
 * every documented form, and every error names where in the tree it is.
 */
class SagaDefinitionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Example
  void theBuilderAndTheTreeOfTheDocumentationAgree() {
    // given
    SagaDefinition built = Saga.step("research", "gather", "discard").timeout(Duration.ofMinutes(2))
        .retry(3, Duration.ofMillis(500))
        .parallel(Saga.branch("analysis", "analyze", "retract"), Saga.branch("fact-check", "verify", "forget"))
        .approval("editor-sign-off").timeout(Duration.ofHours(4))
        .step("write", "draft", "unpublish").input("${prompt}\n\n${previous}")
        .build();
    Map<String, Object> tree = Map.of("steps", List.of(
        Map.of("agentType", "research", "action", "gather", "compensation", "discard", "timeout", "2m",
            "retry", Map.of("maxAttempts", 3, "backoff", "500ms")),
        Map.of("parallel", List.of(
            Map.of("agentType", "analysis", "action", "analyze", "compensation", "retract"),
            Map.of("agentType", "fact-check", "action", "verify", "compensation", "forget"))),
        Map.of("approval", "editor-sign-off", "timeout", "4h"),
        Map.of("agentType", "write", "action", "draft", "compensation", "unpublish",
            "input", "${prompt}\n\n${previous}")));

    // when
    SagaDefinition parsed = SagaDefinitions.fromTree(tree);

    // then
    assertThat(parsed).isEqualTo(built);
    assertThat(parsed.steps()).extracting(SagaStep::parallel).containsExactly(false, false, true, false, false);
    assertThat(new RoutingSlip("s", "t", parsed.steps(), 0).stages())
        .containsExactly(List.of(0), List.of(1, 2), List.of(3), List.of(4));
  }

  /** A step before it has its place: its input mapping is made of placeholders valid where it lands. */
  record Draft(boolean approval, String agentType, String action, boolean undoable, List<Integer> tokens,
               StepPolicy policy) {}

  @Provide
  Arbitrary<SagaDefinition> definitions() {
    Arbitrary<Duration> duration = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(Duration.ZERO)),
        Tuple.of(5, Arbitraries.longs().between(1, 30L * 24 * 3600 * 1000).map(Duration::ofMillis)),
        Tuple.of(1, Arbitraries.longs().between(1, 10_000_000_000L).map(Duration::ofNanos)));
    Arbitrary<Duration> backoff = duration.map(d -> d.compareTo(StepPolicy.MAX_BACKOFF) > 0 ? StepPolicy.MAX_BACKOFF : d);
    Arbitrary<StepPolicy> policy = Combinators.combine(duration, Arbitraries.integers().between(1, 100), backoff)
        .as(StepPolicy::new);
    Arbitrary<String> agentType = Arbitraries.strings().withChars("abcxyz019._-").ofMinLength(1).ofMaxLength(10)
        .filter(s -> !s.equals(SagaStep.APPROVAL));
    Arbitrary<String> action = Arbitraries.strings().alpha().numeric().withChars(' ', '\n', '{', '}', '.')
        .ofMinLength(1).ofMaxLength(12).filter(s -> !s.isBlank());
    Arbitrary<Draft> draft = Combinators.combine(Arbitraries.integers().between(0, 5).map(k -> k == 0), agentType,
        action, Arbitraries.integers().between(0, 3).map(k -> k > 0),
        Arbitraries.integers().between(0, 40).list().ofMaxSize(5), policy).as(Draft::new);
    return draft.list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(6)
        .map(SagaDefinitionsTest::definition);
  }

  private static SagaDefinition definition(List<List<Draft>> stages) {
    List<SagaStep> steps = new ArrayList<>();
    for (List<Draft> stage : stages) {
      for (int b = 0; b < stage.size(); b++) {
        Draft d = stage.get(b);
        // no input for an approval: the tree has no field for one, so toTree would drop it
        SagaStep s = d.approval() ? SagaStep.approval(d.action(), d.policy())
            : new SagaStep(d.agentType(), d.action(), mapping(d.tokens(), steps.size()),
                d.undoable() ? "undo " + d.action() : "", false, d.policy());
        steps.add(b > 0 ? s.inParallel() : s);
      }
    }
    return new SagaDefinition(steps);
  }

  private static String mapping(List<Integer> tokens, int index) {
    StringBuilder sb = new StringBuilder();
    for (int code : tokens) {
      sb.append(switch (code % 5) {
        case 0 -> "${prompt}";
        case 1 -> "${previous}";
        case 2 -> "$$";
        case 3 -> index == 0 ? " text " : "${steps." + (code % index) + "}";
        default -> " and {so} on. ";
      });
    }
    return sb.toString();
  }

  @Property(tries = 300)
  void aDefinitionSurvivesItsTree(@ForAll("definitions") SagaDefinition definition) {
    // when
    SagaDefinition back = SagaDefinitions.fromTree(SagaDefinitions.toTree(definition));

    // then
    assertThat(back).isEqualTo(definition);
  }

  @Property(tries = 300)
  void aDefinitionSurvivesJsonText(@ForAll("definitions") SagaDefinition definition) throws Exception {
    // given
    String json = JSON.writeValueAsString(SagaDefinitions.toTree(definition));

    // when
    SagaDefinition back = SagaDefinitions.fromTree(JSON.readValue(json, Map.class));

    // then
    assertThat(back).isEqualTo(definition);
  }

  @Example
  void durationsReadInEveryDocumentedForm() {
    // when / then
    assertThat(SagaDefinitions.duration("500ms", "t")).isEqualTo(Duration.ofMillis(500));
    assertThat(SagaDefinitions.duration("30s", "t")).isEqualTo(Duration.ofSeconds(30));
    assertThat(SagaDefinitions.duration("5m", "t")).isEqualTo(Duration.ofMinutes(5));
    assertThat(SagaDefinitions.duration("4h", "t")).isEqualTo(Duration.ofHours(4));
    assertThat(SagaDefinitions.duration("1d", "t")).isEqualTo(Duration.ofDays(1));
    assertThat(SagaDefinitions.duration(" 30 s ", "t")).isEqualTo(Duration.ofSeconds(30));
    assertThat(SagaDefinitions.duration("PT30S", "t")).isEqualTo(Duration.ofSeconds(30));
    assertThat(SagaDefinitions.duration("PT0.0015S", "t")).isEqualTo(Duration.ofNanos(1_500_000));
    assertThat(SagaDefinitions.duration("P1DT2H", "t")).isEqualTo(Duration.ofHours(26));
    assertThat(SagaDefinitions.duration(1500, "t")).isEqualTo(Duration.ofMillis(1500));
    assertThat(SagaDefinitions.duration(1500L, "t")).isEqualTo(Duration.ofMillis(1500));
    assertThat(SagaDefinitions.duration(2.0, "t")).isEqualTo(Duration.ofMillis(2));
    assertThat(SagaDefinitions.duration(0, "t")).isEqualTo(Duration.ZERO);
  }

  @Example
  void aWrongDurationNamesItsPath() {
    for (Object wrong : List.of("5 minutes", "5M", "-1s", "PT-1S", "soon", -1, 1.5, true, List.of(1))) {
      // when / then
      assertThatThrownBy(() -> SagaDefinitions.fromTree(tree(step(Map.of("timeout", wrong)))))
          .as("%s", wrong)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("steps[0].timeout must be a duration such as 500ms, 30s, 5m, 4h or PT30S, was ");
    }
    assertThatThrownBy(() -> SagaDefinitions.fromTree(tree(step(Map.of("retry", Map.of("backoff", "fast"))))))
        .hasMessage("steps[0].retry.backoff must be a duration such as 500ms, 30s, 5m, 4h or PT30S, was 'fast'");
  }

  @Example
  void aMissingFieldNamesItsPath() {
    assertError(Map.of("steps", List.of(step(Map.of()), Map.of("parallel", List.of(
            Map.of("agentType", "a", "compensation", "c"), step(Map.of()))))),
        "steps[1].parallel[0].action is required");
    assertError(Map.of("steps", List.of(Map.of("agentType", "a"))), "steps[0].action is required");
    assertError(Map.of(), "steps is required: a list of steps");
    assertError(tree(Map.of("approval", "")), "steps[0].approval must not be blank");
  }

  @Example
  void anUnknownFieldNamesItsPathAndTheKnownOnes() {
    assertError(tree(step(Map.of("timout", "5s"))),
        "steps[0] has an unknown field 'timout'; known: [action, agentType, compensation, input, retry, timeout]");
    assertError(Map.of("steps", List.of(step(Map.of())), "name", "x"),
        "saga has an unknown field 'name'; known: [steps]");
    assertError(tree(step(Map.of("retry", Map.of("attempts", 3)))),
        "steps[0].retry has an unknown field 'attempts'; known: [backoff, maxAttempts]");
    assertError(tree(Map.of("parallel", List.of(step(Map.of()), step(Map.of())), "timeout", "1s")),
        "steps[0] has an unknown field 'timeout'; known: [parallel]");
  }

  @Example
  void aWrongTypeNamesItsPath() {
    assertError(tree(step(Map.of("action", 5))), "steps[0].action must be a string, was 5");
    assertError(Map.of("steps", Map.of()), "steps must be a list, was an object");
    assertError(Map.of("steps", List.of("research")), "steps[0] must be an object, was 'research'");
    assertError(List.of(), "saga must be an object, was a list");
    assertError(tree(Map.of("parallel", "both")), "steps[0].parallel must be a list, was 'both'");
    assertError(tree(step(Map.of("retry", 3))), "steps[0].retry must be an object, was 3");
    assertError(tree(step(Map.of("retry", Map.of("maxAttempts", "3")))),
        "steps[0].retry.maxAttempts must be a whole number, was '3'");
    assertError(tree(step(Map.of("retry", Map.of("maxAttempts", 2.5)))),
        "steps[0].retry.maxAttempts must be a whole number, was 2.5");
  }

  @Example
  void maxAttemptsOutOfRangeNamesItsPathWithTheValueGiven() {
    assertError(tree(step(Map.of("retry", Map.of("maxAttempts", 0)))),
        "steps[0].retry: maxAttempts must be between 1 and 100, was 0");
    assertError(tree(step(Map.of("retry", Map.of("maxAttempts", 101)))),
        "steps[0].retry: maxAttempts must be between 1 and 100, was 101");
    // a JSON parser hands over a Long beyond the int range: it must not wrap around to a valid count
    assertError(tree(step(Map.of("retry", Map.of("maxAttempts", 4_294_967_298L)))),
        "steps[0].retry: maxAttempts must be between 1 and 100, was 4294967298");
  }

  @Example
  void aParallelGroupWithOneBranchNamesItsPath() {
    assertError(Map.of("steps", List.of(step(Map.of()), Map.of("parallel", List.of(step(Map.of()))))),
        "steps[1].parallel needs at least two branches");
    assertThatThrownBy(() -> Saga.step("a", "b", "c").parallel(Saga.branch("d", "e", "f")))
        .hasMessage("a parallel group needs at least two branches");
  }

  @Example
  void aBadPlaceholderNamesTheEntryItIsIn() {
    // step 2 is steps[2] here ...
    assertThatThrownBy(() -> SagaDefinitions.fromTree(Map.of("steps", List.of(step(Map.of()), step(Map.of()),
        step(Map.of("input", "${steps.5}"))))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("steps[2]: step 2: input placeholder '${steps.5}' is not ${prompt}, ${previous} or "
            + "${steps.N} with N an earlier step (N < 2)");
    // ... and the second branch of steps[1] here, where ${steps.N} counts every step
    assertThatThrownBy(() -> SagaDefinitions.fromTree(Map.of("steps", List.of(step(Map.of()),
        Map.of("parallel", List.of(step(Map.of()), step(Map.of("input", "${steps.5}"))))))))
        .hasMessageStartingWith("steps[1].parallel[1]: step 2: input placeholder '${steps.5}'");
  }

  @Example
  void anApprovalWithACompensationNamesItsPath() {
    assertError(Map.of("steps", List.of(step(Map.of()), Map.of("approval", "editor", "compensation", "undo"))),
        "steps[1] has an unknown field 'compensation'; known: [approval, retry, timeout]");
    assertError(Map.of("steps", List.of(step(Map.of()), Map.of("agentType", "approval", "action", "editor",
            "compensation", "undo"))),
        "steps[1]: step 1: an approval has nothing to compensate");
    assertThatThrownBy(() -> new SagaDefinition(List.of(new SagaStep("approval", "editor", "", "undo"))))
        .hasMessage("step 0: an approval has nothing to compensate");
  }

  @Example
  void aBadAgentTypeNamesItsPath() {
    assertError(Map.of("steps", List.of(step(Map.of()), Map.of("parallel", List.of(step(Map.of()),
            step(Map.of("agentType", "fact check")))))),
        "steps[1].parallel[1]: step 2: agent type 'fact check' may only contain letters, digits, '.', '_' and '-'");
  }

  @Example
  void stepZeroCannotBeParallel() {
    // the tree cannot say it (a group's first branch is not parallel): only a hand-made list can
    assertThatThrownBy(() -> new SagaDefinition(List.of(Saga.branch("a", "b", "c").inParallel())))
        .hasMessage("step 0 cannot run in parallel with a step before it: there is none");
    assertThat(SagaDefinitions.fromTree(Map.of("steps", List.of(Map.of("parallel", List.of(step(Map.of()),
        step(Map.of()))))))).satisfies(d -> assertThat(d.steps()).extracting(SagaStep::parallel)
        .containsExactly(false, true));
  }

  @Example
  void anEmptyPlanIsRejected() {
    assertThatThrownBy(() -> SagaDefinitions.fromTree(Map.of("steps", List.of())))
        .hasMessage("invalid saga: a saga needs at least one step");
  }

  private static void assertError(Object tree, String message) {
    assertThatThrownBy(() -> SagaDefinitions.fromTree(tree)).as("%s", tree)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  /** A valid worker step with {@code overrides}. */
  private static Map<String, Object> step(Map<String, ?> overrides) {
    Map<String, Object> s = new LinkedHashMap<>(Map.of("agentType", "research", "action", "gather",
        "compensation", "discard"));
    s.putAll(overrides);
    return s;
  }

  private static Map<String, Object> tree(Map<String, ?> entry) {
    return Map.of("steps", List.of(entry));
  }
}
