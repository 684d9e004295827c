package io.conclave.model.saga;

import io.conclave.model.Require;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A saga as data: its steps in order, consecutive {@linkplain SagaStep#parallel() parallel} steps
 * forming one stage. Build one with {@link Saga}, or read one from JSON or YAML with {@link
 * SagaDefinitions}.
 */
public record SagaDefinition(List<SagaStep> steps) {
  private static final Pattern TYPE = Pattern.compile("[a-zA-Z0-9._-]+");

  public SagaDefinition {
    steps = List.copyOf(Require.present(steps, "steps"));
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a saga needs at least one step");
    }
    if (steps.size() > RoutingSlip.MAX_STEPS) {
      throw new IllegalArgumentException(
          "a saga has at most " + RoutingSlip.MAX_STEPS + " steps, this one " + steps.size());
    }
    for (int i = 0; i < steps.size(); i++) {
      checkStep(steps, i);
    }
  }

  /**
   * Checks that every step names one of the {@code known} agent types (approvals need no agent): a
   * command for a type without topics could never be written.
   *
   * @throws IllegalArgumentException naming the unknown types and the known ones
   */
  public static void requireKnownAgentTypes(List<SagaStep> steps, Collection<String> known) {
    List<String> unknown =
        steps.stream()
            .filter(s -> !s.isApproval())
            .map(SagaStep::agentType)
            .filter(t -> !known.contains(t))
            .distinct()
            .toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "the saga names agent types "
              + unknown
              + " that this installation has no "
              + "topics for; it has "
              + known
              + " (conclave.agent-types), and approvals");
    }
  }

  /**
   * Checks step {@code i} of {@code steps}; {@link SagaDefinitions} calls it to name the step's
   * place in a tree.
   */
  static void checkStep(List<SagaStep> steps, int i) {
    SagaStep s = steps.get(i);
    if (i == 0 && s.parallel()) {
      throw new IllegalArgumentException(
          "step 0 cannot run in parallel with a step before it: there is none");
    }
    if (!TYPE.matcher(s.agentType()).matches()) {
      throw new IllegalArgumentException(
          "step "
              + i
              + ": agent type '"
              + s.agentType()
              + "' may only contain letters, digits, '.', '_' and '-'");
    }
    if (s.isApproval() && s.hasCompensation()) {
      throw new IllegalArgumentException("step " + i + ": an approval has nothing to compensate");
    }
    InputMapping.check(s.input(), i, steps.size());
  }
}
