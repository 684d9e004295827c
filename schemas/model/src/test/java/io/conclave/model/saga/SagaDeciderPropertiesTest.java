package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The laws of {@link SagaDecider#decide}, on every outcome of every step along a saga's run:
 *
 * <ul>
 *   <li>Await exactly while a step of the stage has no outcome, naming those steps;
 *   <li>once the stage is settled and a step of it failed: Compensate exactly the steps up to the
 *       end of that stage that completed or failed and have a compensation, highest index first
 *       (never a later stage's step, never one twice), or Abort when there are none;
 *   <li>once the stage completed: Dispatch exactly the next stage, or Complete after the last.
 * </ul>
 *
 * Checked on random plans of up to 8 stages, and exhaustively on every plan of up to 4 steps with
 * every order and outcome of its steps.
 */
class SagaDeciderPropertiesTest {

  @Test
  void everyDecisionAlongARandomRunObeysTheLaws() {
    qt().withExamples(500)
        .forAll(SagaPlans.plans(8), integers().between(0, 8), longs().all())
        .checkAssert(
            (plan, failAt, seed) -> {
              // the order and outcomes of branches come from a generated seed; plan and failAt are
              // what shrinks
              Random random = new Random(seed);
              // given: the stages before the failing one complete; in the failing one, branches
              // settle in a random order, one of them fails and the others complete or fail at
              // random (failAt past the last stage: nothing fails)
              List<List<Integer>> stages = SagaPlans.stages(plan);
              int failingStage = failAt % (stages.size() + 1);
              Map<Integer, Boolean> known = new HashMap<>();

              for (int s = 0; s < stages.size() && s <= failingStage; s++) {
                List<Integer> order = new ArrayList<>(stages.get(s));
                Collections.shuffle(order, random);
                int failing = order.get(random.nextInt(order.size()));
                for (int step : order) {
                  boolean completes =
                      s != failingStage || (step != failing && random.nextBoolean());

                  // when
                  SagaDecision decision =
                      SagaDecider.decide(slip(plan, step, known), outcome(step, completes));

                  // then
                  known.put(step, completes);
                  assertLaws(plan, stages, step, known, decision);
                }
              }
            });
  }

  @Test
  void everyOutcomeOfEverySmallPlanObeysTheLaws() {
    // given: the 777 plans of up to 4 steps (every grouping into stages, every kind of every step)
    List<List<SagaStep>> plans = SagaPlans.allPlans(4);
    int[] decisions = {0};

    // when / then: every order in which the steps of each stage settle, each completing or failing
    for (List<SagaStep> plan : plans) {
      explore(plan, SagaPlans.stages(plan), 0, new HashMap<>(), decisions);
    }
    assertThat(plans).hasSize(3 + 2 * 9 + 4 * 27 + 8 * 81);
    assertThat(decisions[0]).as("decisions checked").isGreaterThan(50_000);
  }

  private static void explore(
      List<SagaStep> plan,
      List<List<Integer>> stages,
      int stage,
      Map<Integer, Boolean> known,
      int[] decisions) {
    List<Integer> open = stages.get(stage).stream().filter(i -> !known.containsKey(i)).toList();
    for (int step : open) {
      for (boolean completes : new boolean[] {true, false}) {
        SagaDecision decision =
            SagaDecider.decide(slip(plan, step, known), outcome(step, completes));
        Map<Integer, Boolean> after = new HashMap<>(known);
        after.put(step, completes);
        assertLaws(plan, stages, step, after, decision);
        decisions[0]++;
        if (open.size() > 1) {
          explore(plan, stages, stage, after, decisions);
        } else if (stage + 1 < stages.size() && stages.get(stage).stream().allMatch(after::get)) {
          explore(plan, stages, stage + 1, after, decisions);
        }
      }
    }
  }

  /** The slip a decider sees for {@code step}, knowing the outcomes in {@code known}. */
  private static RoutingSlip slip(List<SagaStep> plan, int step, Map<Integer, Boolean> known) {
    Map<Integer, String> outputs = new HashMap<>();
    Map<Integer, String> failures = new HashMap<>();
    known.forEach(
        (i, completed) ->
            (completed ? outputs : failures).put(i, completed ? "out-" + i : "err-" + i));
    return new RoutingSlip("saga-1", "task-1", "the prompt", plan, step, outputs, failures);
  }

  private static StepOutcome outcome(int step, boolean completes) {
    return completes
        ? new StepOutcome.Completed(step, "out-" + step)
        : new StepOutcome.Failed(step, "err-" + step);
  }

  /** The laws, with {@code after} the outcomes known once {@code step}'s is recorded. */
  private static void assertLaws(
      List<SagaStep> plan,
      List<List<Integer>> stages,
      int step,
      Map<Integer, Boolean> after,
      SagaDecision decision) {
    // built only when an assertion fails: there are some 76,000 decisions to check
    Supplier<String> context = () -> plan + " outcomes " + after + " after step " + step;
    int stageIndex = stageOf(stages, step);
    List<Integer> stage = stages.get(stageIndex);
    int last = stage.get(stage.size() - 1);

    // the decision's slip records every known outcome, and only those
    RoutingSlip recorded = slip(plan, step, after);
    assertThat(decision.slip().outputs()).as(context).isEqualTo(recorded.outputs());
    assertThat(decision.slip().failures()).as(context).isEqualTo(recorded.failures());

    List<Integer> unsettled = stage.stream().filter(i -> !after.containsKey(i)).toList();
    if (!unsettled.isEmpty()) {
      assertThat(decision).as(context).isInstanceOf(SagaDecision.Await.class);
      assertThat(((SagaDecision.Await) decision).running()).as(context).isEqualTo(unsettled);
      return;
    }
    List<Integer> failed = stage.stream().filter(i -> !after.get(i)).toList();
    if (!failed.isEmpty()) {
      List<Integer> expected = new ArrayList<>();
      for (int i = last; i >= 0; i--) {
        if (after.containsKey(i) && plan.get(i).hasCompensation()) {
          expected.add(i);
        }
      }
      if (expected.isEmpty()) {
        assertThat(decision).as(context).isInstanceOf(SagaDecision.Abort.class);
        String reason = ((SagaDecision.Abort) decision).reason();
        failed.forEach(i -> assertThat(reason).as(context).contains("step " + i + " "));
        return;
      }
      assertThat(decision).as(context).isInstanceOf(SagaDecision.Compensate.class);
      SagaDecision.Compensate c = (SagaDecision.Compensate) decision;
      assertThat(c.order()).as(context).isEqualTo(expected);
      // said separately because these are the compensation order's rules, whatever "expected" above
      // computes
      assertThat(c.order())
          .as(context)
          .doesNotHaveDuplicates()
          .allMatch(i -> i <= last)
          .isSortedAccordingTo(Collections.reverseOrder());
      assertThat(c.order()).as(context).noneMatch(i -> plan.get(i).isApproval());
      failed.forEach(i -> assertThat(c.reason()).as(context).contains("step " + i + " "));
      return;
    }
    if (stageIndex == stages.size() - 1) {
      assertThat(decision).as(context).isInstanceOf(SagaDecision.Complete.class);
    } else {
      assertThat(decision).as(context).isInstanceOf(SagaDecision.Dispatch.class);
      assertThat(((SagaDecision.Dispatch) decision).steps())
          .as(context)
          .isEqualTo(stages.get(stageIndex + 1));
    }
  }

  private static int stageOf(List<List<Integer>> stages, int step) {
    for (int s = 0; s < stages.size(); s++) {
      if (stages.get(s).contains(step)) {
        return s;
      }
    }
    throw new AssertionError("step " + step + " in no stage");
  }
}
