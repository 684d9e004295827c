package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Saga definitions as data: the builder and the JSON/YAML tree describe the same definitions, a
 * definition survives {@link SagaDefinitions#toTree} and {@link SagaDefinitions#fromTree} (also
 * through JSON text), durations read in every documented form, and every error names where in the
 * tree it is.
 */
class SagaDefinitionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theBuilderAndTheTreeOfTheDocumentationAgree() {
    // given
    SagaDefinition built =
        Saga.step("research", "gather", "discard")
            .timeout(Duration.ofMinutes(2))
            .retry(3, Duration.ofMillis(500))
            .parallel(
                Saga.branch("analysis", "analyze", "retract"),
                Saga.branch("fact-check", "verify", "forget"))
            .approval("editor-sign-off")
            .timeout(Duration.ofHours(4))
            .step("write", "draft", "unpublish")
            .input("${prompt}\n\n${previous}")
            .build();
    Map<String, Object> tree =
        Map.of(
            "steps",
            List.of(
                Map.of(
                    "agentType",
                    "research",
                    "action",
                    "gather",
                    "compensation",
                    "discard",
                    "timeout",
                    "2m",
                    "retry",
                    Map.of("maxAttempts", 3, "backoff", "500ms")),
                Map.of(
                    "parallel",
                    List.of(
                        Map.of(
                            "agentType",
                            "analysis",
                            "action",
                            "analyze",
                            "compensation",
                            "retract"),
                        Map.of(
                            "agentType",
                            "fact-check",
                            "action",
                            "verify",
                            "compensation",
                            "forget"))),
                Map.of("approval", "editor-sign-off", "timeout", "4h"),
                Map.of(
                    "agentType",
                    "write",
                    "action",
                    "draft",
                    "compensation",
                    "unpublish",
                    "input",
                    "${prompt}\n\n${previous}")));

    // when
    SagaDefinition parsed = SagaDefinitions.fromTree(tree);

    // then
    assertThat(parsed).isEqualTo(built);
    assertThat(parsed.steps())
        .extracting(SagaStep::parallel)
        .containsExactly(false, false, true, false, false);
    assertThat(new RoutingSlip("s", "t", parsed.steps(), 0).stages())
        .containsExactly(List.of(0), List.of(1, 2), List.of(3), List.of(4));
  }

  /**
   * A step before it has its place: its input mapping is made of placeholders valid where it lands.
   */
  record Draft(
      boolean approval,
      String agentType,
      String action,
      boolean undoable,
      List<Integer> tokens,
      StepPolicy policy) {}

  private static final Gen<SagaDefinition> DEFINITIONS = definitions();

  private static Gen<SagaDefinition> definitions() {
    Gen<Duration> duration =
        Generate.frequency(
            Pair.of(3, Generate.constant(Duration.ZERO)),
            Pair.of(5, longs().between(1, 30L * 24 * 3600 * 1000).map(Duration::ofMillis)),
            Pair.of(1, longs().between(1, 10_000_000_000L).map(Duration::ofNanos)));
    Gen<Duration> backoff =
        duration.map(d -> d.compareTo(StepPolicy.MAX_BACKOFF) > 0 ? StepPolicy.MAX_BACKOFF : d);
    Gen<StepPolicy> policy = duration.zip(integers().between(1, 100), backoff, StepPolicy::new);
    Gen<String> agentType = strings("abcxyz019._-", 10).assuming(s -> !s.equals(SagaStep.APPROVAL));
    String alphaNumeric =
        IntStream.concat(
                IntStream.concat(IntStream.rangeClosed('a', 'z'), IntStream.rangeClosed('A', 'Z')),
                IntStream.rangeClosed('0', '9'))
            .mapToObj(c -> String.valueOf((char) c))
            .collect(Collectors.joining());
    Gen<String> action = strings(alphaNumeric + " \n{}.", 12).assuming(s -> !s.isBlank());
    // Gen.zip takes at most five generators: the tokens and the policy travel as a pair
    Gen<Pair<List<Integer>, StepPolicy>> tokensAndPolicy =
        lists().of(integers().between(0, 40)).ofSizeBetween(0, 5).zip(policy, Pair::of);
    Gen<Draft> draft =
        integers()
            .between(0, 5)
            .map(k -> k == 0)
            .zip(
                agentType,
                action,
                integers().between(0, 3).map(k -> k > 0),
                tokensAndPolicy,
                (approval, type, act, undoable, tp) ->
                    new Draft(approval, type, act, undoable, tp._1, tp._2));
    return lists()
        .of(lists().of(draft).ofSizeBetween(1, 3))
        .ofSizeBetween(1, 6)
        .map(SagaDefinitionsTest::definition);
  }

  /**
   * Strings of 1..{@code maxLength} characters drawn from {@code chars}, shrinking towards the
   * first of them.
   */
  private static Gen<String> strings(String chars, int maxLength) {
    List<Character> alphabet = chars.chars().mapToObj(c -> (char) c).toList();
    return lists()
        .of(Generate.pick(alphabet))
        .ofSizeBetween(1, maxLength)
        .map(cs -> cs.stream().map(String::valueOf).collect(Collectors.joining()));
  }

  private static SagaDefinition definition(List<List<Draft>> stages) {
    List<SagaStep> steps = new ArrayList<>();
    for (List<Draft> stage : stages) {
      for (int b = 0; b < stage.size(); b++) {
        Draft d = stage.get(b);
        // no input for an approval: the tree has no field for one, so toTree would drop it
        SagaStep s =
            d.approval()
                ? SagaStep.approval(d.action(), d.policy())
                : new SagaStep(
                    d.agentType(),
                    d.action(),
                    mapping(d.tokens(), steps.size()),
                    d.undoable() ? "undo " + d.action() : "",
                    false,
                    d.policy());
        steps.add(b > 0 ? s.inParallel() : s);
      }
    }
    return new SagaDefinition(steps);
  }

  private static String mapping(List<Integer> tokens, int index) {
    StringBuilder sb = new StringBuilder();
    for (int code : tokens) {
      sb.append(
          switch (code % 5) {
            case 0 -> "${prompt}";
            case 1 -> "${previous}";
            case 2 -> "$$";
            case 3 -> index == 0 ? " text " : "${steps." + (code % index) + "}";
            default -> " and {so} on. ";
          });
    }
    return sb.toString();
  }

  @Test
  void aDefinitionSurvivesItsTree() {
    qt().withExamples(300)
        .forAll(DEFINITIONS)
        .checkAssert(
            definition -> {
              // when
              SagaDefinition back = SagaDefinitions.fromTree(SagaDefinitions.toTree(definition));

              // then
              assertThat(back).isEqualTo(definition);
            });
  }

  @Test
  void aDefinitionSurvivesJsonText() {
    qt().withExamples(300)
        .forAll(DEFINITIONS)
        .checkAssert(
            definition -> {
              try {
                // given
                String json = JSON.writeValueAsString(SagaDefinitions.toTree(definition));

                // when
                SagaDefinition back = SagaDefinitions.fromTree(JSON.readValue(json, Map.class));

                // then
                assertThat(back).isEqualTo(definition);
              } catch (java.io.IOException e) {
                throw new AssertionError(e);
              }
            });
  }

  @Test
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

  @Test
  void aWrongDurationNamesItsPath() {
    for (Object wrong :
        List.of("5 minutes", "5M", "-1s", "PT-1S", "soon", -1, 1.5, true, List.of(1))) {
      // when / then
      assertThatThrownBy(() -> SagaDefinitions.fromTree(tree(step(Map.of("timeout", wrong)))))
          .as("%s", wrong)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "steps[0].timeout must be a duration such as 500ms, 30s, 5m, 4h or PT30S, was ");
    }
    assertThatThrownBy(
            () -> SagaDefinitions.fromTree(tree(step(Map.of("retry", Map.of("backoff", "fast"))))))
        .hasMessage(
            "steps[0].retry.backoff must be a duration such as 500ms, 30s, 5m, 4h or PT30S, was 'fast'");
  }

  @Test
  void aMissingFieldNamesItsPath() {
    assertError(
        Map.of(
            "steps",
            List.of(
                step(Map.of()),
                Map.of(
                    "parallel",
                    List.of(Map.of("agentType", "a", "compensation", "c"), step(Map.of()))))),
        "steps[1].parallel[0].action is required");
    assertError(Map.of("steps", List.of(Map.of("agentType", "a"))), "steps[0].action is required");
    assertError(Map.of(), "steps is required: a list of steps");
    assertError(tree(Map.of("approval", "")), "steps[0].approval must not be blank");
  }

  @Test
  void anUnknownFieldNamesItsPathAndTheKnownOnes() {
    assertError(
        tree(step(Map.of("timout", "5s"))),
        "steps[0] has an unknown field 'timout'; known: [action, agentType, compensation, input, retry, timeout]");
    assertError(
        Map.of("steps", List.of(step(Map.of())), "name", "x"),
        "saga has an unknown field 'name'; known: [steps]");
    assertError(
        tree(step(Map.of("retry", Map.of("attempts", 3)))),
        "steps[0].retry has an unknown field 'attempts'; known: [backoff, maxAttempts]");
    assertError(
        tree(Map.of("parallel", List.of(step(Map.of()), step(Map.of())), "timeout", "1s")),
        "steps[0] has an unknown field 'timeout'; known: [parallel]");
  }

  @Test
  void aWrongTypeNamesItsPath() {
    assertError(tree(step(Map.of("action", 5))), "steps[0].action must be a string, was 5");
    assertError(Map.of("steps", Map.of()), "steps must be a list, was an object");
    assertError(Map.of("steps", List.of("research")), "steps[0] must be an object, was 'research'");
    assertError(List.of(), "saga must be an object, was a list");
    assertError(tree(Map.of("parallel", "both")), "steps[0].parallel must be a list, was 'both'");
    assertError(tree(step(Map.of("retry", 3))), "steps[0].retry must be an object, was 3");
    assertError(
        tree(step(Map.of("retry", Map.of("maxAttempts", "3")))),
        "steps[0].retry.maxAttempts must be a whole number, was '3'");
    assertError(
        tree(step(Map.of("retry", Map.of("maxAttempts", 2.5)))),
        "steps[0].retry.maxAttempts must be a whole number, was 2.5");
  }

  @Test
  void maxAttemptsOutOfRangeNamesItsPathWithTheValueGiven() {
    assertError(
        tree(step(Map.of("retry", Map.of("maxAttempts", 0)))),
        "steps[0].retry: maxAttempts must be between 1 and 100, was 0");
    assertError(
        tree(step(Map.of("retry", Map.of("maxAttempts", 101)))),
        "steps[0].retry: maxAttempts must be between 1 and 100, was 101");
    // a JSON parser hands over a Long beyond the int range: it must not wrap around to a valid
    // count
    assertError(
        tree(step(Map.of("retry", Map.of("maxAttempts", 4_294_967_298L)))),
        "steps[0].retry: maxAttempts must be between 1 and 100, was 4294967298");
  }

  @Test
  void aParallelGroupWithOneBranchNamesItsPath() {
    assertError(
        Map.of("steps", List.of(step(Map.of()), Map.of("parallel", List.of(step(Map.of()))))),
        "steps[1].parallel needs at least two branches");
    assertThatThrownBy(() -> Saga.step("a", "b", "c").parallel(Saga.branch("d", "e", "f")))
        .hasMessage("a parallel group needs at least two branches");
  }

  @Test
  void aBadPlaceholderNamesTheEntryItIsIn() {
    // step 2 is steps[2] here ...
    assertThatThrownBy(
            () ->
                SagaDefinitions.fromTree(
                    Map.of(
                        "steps",
                        List.of(
                            step(Map.of()), step(Map.of()), step(Map.of("input", "${steps.5}"))))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "steps[2]: step 2: input placeholder '${steps.5}' is not ${prompt}, ${previous} or "
                + "${steps.N} with N an earlier step (N < 2)");
    // ... and the second branch of steps[1] here, where ${steps.N} counts every step
    assertThatThrownBy(
            () ->
                SagaDefinitions.fromTree(
                    Map.of(
                        "steps",
                        List.of(
                            step(Map.of()),
                            Map.of(
                                "parallel",
                                List.of(step(Map.of()), step(Map.of("input", "${steps.5}"))))))))
        .hasMessageStartingWith("steps[1].parallel[1]: step 2: input placeholder '${steps.5}'");
  }

  @Test
  void anApprovalWithACompensationNamesItsPath() {
    assertError(
        Map.of(
            "steps", List.of(step(Map.of()), Map.of("approval", "editor", "compensation", "undo"))),
        "steps[1] has an unknown field 'compensation'; known: [approval, retry, timeout]");
    assertError(
        Map.of(
            "steps",
            List.of(
                step(Map.of()),
                Map.of("agentType", "approval", "action", "editor", "compensation", "undo"))),
        "steps[1]: step 1: an approval has nothing to compensate");
    assertThatThrownBy(
            () -> new SagaDefinition(List.of(new SagaStep("approval", "editor", "", "undo"))))
        .hasMessage("step 0: an approval has nothing to compensate");
  }

  @Test
  void aBadAgentTypeNamesItsPath() {
    assertError(
        Map.of(
            "steps",
            List.of(
                step(Map.of()),
                Map.of(
                    "parallel", List.of(step(Map.of()), step(Map.of("agentType", "fact check")))))),
        "steps[1].parallel[1]: step 2: agent type 'fact check' may only contain letters, digits, '.', '_' and '-'");
  }

  @Test
  void stepZeroCannotBeParallel() {
    // the tree cannot say it (a group's first branch is not parallel): only a hand-made list can
    assertThatThrownBy(() -> new SagaDefinition(List.of(Saga.branch("a", "b", "c").inParallel())))
        .hasMessage("step 0 cannot run in parallel with a step before it: there is none");
    assertThat(
            SagaDefinitions.fromTree(
                Map.of(
                    "steps", List.of(Map.of("parallel", List.of(step(Map.of()), step(Map.of())))))))
        .satisfies(
            d -> assertThat(d.steps()).extracting(SagaStep::parallel).containsExactly(false, true));
  }

  @Test
  void anEmptyPlanIsRejected() {
    assertThatThrownBy(() -> SagaDefinitions.fromTree(Map.of("steps", List.of())))
        .hasMessage("invalid saga: a saga needs at least one step");
  }

  private static void assertError(Object tree, String message) {
    assertThatThrownBy(() -> SagaDefinitions.fromTree(tree))
        .as("%s", tree)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  /** A valid worker step with {@code overrides}. */
  private static Map<String, Object> step(Map<String, ?> overrides) {
    Map<String, Object> s =
        new LinkedHashMap<>(
            Map.of("agentType", "research", "action", "gather", "compensation", "discard"));
    s.putAll(overrides);
    return s;
  }

  private static Map<String, Object> tree(Map<String, ?> entry) {
    return Map.of("steps", List.of(entry));
  }
}
