package io.conclave.model.saga;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Saga plans for the saga tests: random ones for properties, and every small one for exhaustive
 * checks.
 */
final class SagaPlans {
  /**
   * What a step is, as far as the decider cares: undoable, not undoable (nothing to compensate), or
   * an approval.
   */
  enum Kind {
    UNDOABLE,
    FINAL,
    APPROVAL
  }

  private SagaPlans() {}

  static SagaStep step(int index, Kind kind, boolean parallel, StepPolicy policy) {
    SagaStep s =
        switch (kind) {
          case UNDOABLE ->
              new SagaStep("agent-" + index, "do-" + index, "", "undo-" + index, false, policy);
          case FINAL -> new SagaStep("agent-" + index, "do-" + index, "", "", false, policy);
          case APPROVAL -> SagaStep.approval("sign-off-" + index, policy);
        };
    return parallel ? s.inParallel() : s;
  }

  /**
   * Plans of 1..{@code maxStages} stages; a stage is one step or a parallel group of 2..3; about
   * one step in six is an approval and one in four has nothing to compensate; timeouts, attempts
   * and backoffs vary.
   */
  static Gen<List<SagaStep>> plans(int maxStages) {
    Gen<Kind> kind =
        Generate.frequency(
            Pair.of(7, Generate.constant(Kind.UNDOABLE)),
            Pair.of(3, Generate.constant(Kind.FINAL)),
            Pair.of(2, Generate.constant(Kind.APPROVAL)));
    Gen<StepPolicy> policy =
        Generate.pick(List.of(0L, 1_000L, 30_000L))
            .zip(
                SourceDSL.integers().between(1, 4),
                Generate.pick(List.of(0L, 100L, 250L, 1_000L)),
                (timeout, attempts, backoff) ->
                    new StepPolicy(
                        Duration.ofMillis(timeout), attempts, Duration.ofMillis(backoff)));
    Gen<List<Kind>> stage =
        Generate.frequency(
            Pair.of(3, SourceDSL.lists().of(kind).ofSize(1)),
            Pair.of(2, SourceDSL.lists().of(kind).ofSizeBetween(2, 3)));
    return SourceDSL.lists()
        .of(stage)
        .ofSizeBetween(1, maxStages)
        .zip(
            SourceDSL.lists().of(policy).ofSize(3 * maxStages),
            (stages, policies) -> {
              List<SagaStep> plan = new ArrayList<>();
              for (List<Kind> members : stages) {
                for (int b = 0; b < members.size(); b++) {
                  plan.add(step(plan.size(), members.get(b), b > 0, policies.get(plan.size())));
                }
              }
              return List.copyOf(plan);
            });
  }

  /**
   * Every plan of 1..{@code maxSteps} steps: every grouping into stages, every kind of every step.
   */
  static List<List<SagaStep>> allPlans(int maxSteps) {
    List<List<SagaStep>> out = new ArrayList<>();
    for (int n = 1; n <= maxSteps; n++) {
      int kinds = (int) Math.pow(Kind.values().length, n);
      for (int shape = 0; shape < 1 << (n - 1); shape++) {
        for (int k = 0; k < kinds; k++) {
          List<SagaStep> plan = new ArrayList<>();
          int code = k;
          for (int i = 0; i < n; i++) {
            boolean parallel = i > 0 && (shape & (1 << (i - 1))) != 0;
            plan.add(
                step(i, Kind.values()[code % Kind.values().length], parallel, StepPolicy.DEFAULT));
            code /= Kind.values().length;
          }
          out.add(List.copyOf(plan));
        }
      }
    }
    return out;
  }

  /**
   * The stages of {@code plan}, computed here from the flags rather than by {@link
   * RoutingSlip#stages()}.
   */
  static List<List<Integer>> stages(List<SagaStep> plan) {
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      if (!plan.get(i).parallel()) {
        out.add(new ArrayList<>());
      }
      out.get(out.size() - 1).add(i);
    }
    return out;
  }
}
