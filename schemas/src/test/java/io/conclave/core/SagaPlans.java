package io.conclave.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Saga plans for the saga tests: random ones for properties, and every small one for exhaustive checks. */
final class SagaPlans {
  /** What a step is, as far as the decider cares: undoable, not undoable (nothing to compensate), or an approval. */
  enum Kind { UNDOABLE, FINAL, APPROVAL }

  private SagaPlans() {}

  static SagaStep step(int index, Kind kind, boolean parallel, StepPolicy policy) {
    SagaStep s = switch (kind) {
      case UNDOABLE -> new SagaStep("agent-" + index, "do-" + index, "", "undo-" + index, false, policy);
      case FINAL -> new SagaStep("agent-" + index, "do-" + index, "", "", false, policy);
      case APPROVAL -> SagaStep.approval("sign-off-" + index, policy);
    };
    return parallel ? s.inParallel() : s;
  }

  /**
   * Plans of 1..{@code maxStages} stages; a stage is one step or a parallel group of 2..3; about one step in six is an
   * approval and one in four has nothing to compensate; timeouts, attempts and backoffs vary.
   */
  static Arbitrary<List<SagaStep>> plans(int maxStages) {
    Arbitrary<Kind> kind = Arbitraries.frequency(Tuple.of(7, Kind.UNDOABLE), Tuple.of(3, Kind.FINAL),
        Tuple.of(2, Kind.APPROVAL));
    Arbitrary<StepPolicy> policy = Combinators.combine(
        Arbitraries.frequency(Tuple.of(1, 0L), Tuple.of(1, 1_000L), Tuple.of(1, 30_000L)),
        Arbitraries.integers().between(1, 4),
        Arbitraries.of(0L, 100L, 250L, 1_000L))
        .as((timeout, attempts, backoff) -> new StepPolicy(Duration.ofMillis(timeout), attempts,
            Duration.ofMillis(backoff)));
    Arbitrary<List<Kind>> stage = Arbitraries.frequencyOf(
        Tuple.of(3, kind.list().ofSize(1)), Tuple.of(2, kind.list().ofMinSize(2).ofMaxSize(3)));
    return Combinators.combine(stage.list().ofMinSize(1).ofMaxSize(maxStages), policy.list().ofSize(3 * maxStages))
        .as((stages, policies) -> {
          List<SagaStep> plan = new ArrayList<>();
          for (List<Kind> members : stages) {
            for (int b = 0; b < members.size(); b++) {
              plan.add(step(plan.size(), members.get(b), b > 0, policies.get(plan.size())));
            }
          }
          return plan;
        });
  }

  /** Every plan of 1..{@code maxSteps} steps: every grouping into stages, every kind of every step. */
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
            plan.add(step(i, Kind.values()[code % Kind.values().length], parallel, StepPolicy.DEFAULT));
            code /= Kind.values().length;
          }
          out.add(List.copyOf(plan));
        }
      }
    }
    return out;
  }

  /** The stages of {@code plan}, computed here from the flags rather than by {@link RoutingSlip#stages()}. */
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
