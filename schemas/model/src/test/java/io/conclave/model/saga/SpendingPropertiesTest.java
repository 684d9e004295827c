package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * A saga's token budget holds however its steps are spread over workers: each step may spend only
 * what the slip its command carries allows ({@link RoutingSlip#tokenAllowance}), and the allowances
 * of a stage's parallel steps add up to at most what the earlier stages left.
 */
class SpendingPropertiesTest {

  private static final Gen<List<SagaStep>> PLANS = SagaPlans.plans(8);

  @Test
  void stepsThatSpendAtMostTheirAllowanceKeepTheSagaWithinItsBudget() {
    qt().withExamples(500)
        .forAll(PLANS, longs().between(0, 100_000), longs().all())
        .checkAssert(
            (plan, budget, seed) -> {
              // how much each step spends comes from a generated seed: the plan and budget are what
              // is worth shrinking
              Random random = new Random(seed);
              // given: a saga with a budget
              RoutingSlip slip =
                  RoutingSlip.start(
                      "saga-1", "task-1", "why?", plan, Spending.limited("acme", budget));

              for (List<Integer> stage : SagaPlans.stages(plan)) {
                // when: each step of the stage gets the slip as it was when the stage was
                // dispatched, and spends what it
                // likes up to its allowance (branches of a parallel stage do not see each other's
                // spending)
                RoutingSlip dispatched = slip;
                long allowed = 0;
                for (int step : stage) {
                  long allowance =
                      plan.get(step).isApproval()
                          ? 0
                          : dispatched.tokenAllowance(step).orElseThrow();
                  allowed += allowance;
                  long spent = allowance == 0 ? 0 : (long) (random.nextDouble() * (allowance + 1));
                  slip =
                      SagaDecider.decide(
                              slip,
                              new StepOutcome.Completed(step, "out", Math.min(spent, allowance)))
                          .slip();
                }

                // then: the stage was allowed no more than the budget left, and the saga spent no
                // more than its budget
                assertThat(allowed).isLessThanOrEqualTo(budget - dispatched.spending().spent());
                assertThat(slip.spending().spent()).isLessThanOrEqualTo(budget);
              }
            });
  }

  @Test
  void aSlipWithoutBudgetAllowsAnything() {
    qt().withExamples(200)
        .forAll(PLANS)
        .checkAssert(
            plan -> {
              RoutingSlip slip =
                  RoutingSlip.start("saga-1", "task-1", "why?", plan, Spending.unlimited("acme"));

              for (int i = 0; i < plan.size(); i++) {
                assertThat(slip.tokenAllowance(i)).isEmpty();
              }
            });
  }

  @Test
  void aParallelStageSharesWhatTheEarlierStagesLeft() {
    // given: research, then analysis | write in parallel, then a final write; research spent 400 of
    // 1000
    List<SagaStep> plan =
        List.of(
            new SagaStep("research", "gather", "", "discard"),
            new SagaStep("analysis", "analyze", "", "retract"),
            new SagaStep("write", "outline", "", "drop").inParallel(),
            new SagaStep("write", "draft", "", "unpublish"));
    RoutingSlip slip =
        RoutingSlip.start("saga-1", "task-1", "why?", plan, Spending.limited("acme", 1000))
            .completed(0, "sources", 400);

    // then: each branch may spend half of the 600 left; the last step what the branches leave
    assertThat(slip.tokenAllowance(0)).hasValue(1000);
    assertThat(slip.tokenAllowance(1)).hasValue(300);
    assertThat(slip.tokenAllowance(2)).hasValue(300);
    assertThat(slip.completed(1, "a", 250).completed(2, "o", 300).tokenAllowance(3)).hasValue(50);
    // a budget spent past its end (a call's answer may take a step over) allows nothing, never a
    // negative amount
    assertThat(slip.completed(1, "a", 700).tokenAllowance(3)).hasValue(0);
  }
}
