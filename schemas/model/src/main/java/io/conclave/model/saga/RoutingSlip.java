package io.conclave.model.saga;

import io.conclave.model.Require;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A saga's plan and what is known of its progress, travelling with its commands (routing-slip
 * choreography): no process holds saga state; the slip says which step a command is for ({@code
 * cursor}), what the steps before it produced, and which come after it.
 *
 * <p>Steps are grouped into stages: a step marked {@link SagaStep#parallel()} shares the stage of
 * the step before it.
 *
 * @param prompt the task's prompt, for input mappings
 * @param outputs the output of every step known to have completed, by step index
 * @param failures the reason of every step known to have failed, by step index
 * @param spending who pays, the saga's token budget, and the tokens each settled step spent
 */
public record RoutingSlip(
    String sagaId,
    String taskId,
    String prompt,
    List<SagaStep> steps,
    int cursor,
    Map<Integer, String> outputs,
    Map<Integer, String> failures,
    Spending spending) {
  /** The most steps a saga may have. */
  public static final int MAX_STEPS = 1000;

  public RoutingSlip {
    Require.text(sagaId, "sagaId");
    Require.text(taskId, "taskId");
    Require.present(prompt, "prompt");
    steps = List.copyOf(Require.present(steps, "steps"));
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a saga needs at least one step");
    }
    if (steps.size() > MAX_STEPS) {
      throw new IllegalArgumentException(
          "a saga has at most " + MAX_STEPS + " steps, this one " + steps.size());
    }
    if (steps.get(0).parallel()) {
      throw new IllegalArgumentException(
          "step 0 cannot run in parallel with a step before it: there is none");
    }
    if (cursor < 0 || cursor >= steps.size()) {
      throw new IllegalArgumentException(
          "cursor " + cursor + " outside the " + steps.size() + " steps");
    }
    outputs = Map.copyOf(Require.present(outputs, "outputs"));
    failures = Map.copyOf(Require.present(failures, "failures"));
    for (int i : outputs.keySet()) {
      checkIndex(i, steps.size());
      if (failures.containsKey(i)) {
        throw new IllegalArgumentException("step " + i + " cannot have both completed and failed");
      }
    }
    for (int i : failures.keySet()) {
      checkIndex(i, steps.size());
    }
    Require.present(spending, "spending");
    for (int i : spending.tokens().keySet()) {
      checkIndex(i, steps.size());
    }
  }

  /** A slip of the default tenant, without a token budget. */
  public RoutingSlip(
      String sagaId,
      String taskId,
      String prompt,
      List<SagaStep> steps,
      int cursor,
      Map<Integer, String> outputs,
      Map<Integer, String> failures) {
    this(
        sagaId,
        taskId,
        prompt,
        steps,
        cursor,
        outputs,
        failures,
        Spending.unlimited(Spending.DEFAULT_TENANT));
  }

  public RoutingSlip(String sagaId, String taskId, List<SagaStep> steps, int cursor) {
    this(sagaId, taskId, "", steps, cursor, Map.of(), Map.of());
  }

  /** A slip positioned on its first step, nothing run yet. */
  public static RoutingSlip start(
      String sagaId, String taskId, String prompt, List<SagaStep> steps) {
    return new RoutingSlip(sagaId, taskId, prompt, steps, 0, Map.of(), Map.of());
  }

  /**
   * A slip positioned on its first step, nothing run or spent yet, paid for as {@code spending}
   * says.
   */
  public static RoutingSlip start(
      String sagaId, String taskId, String prompt, List<SagaStep> steps, Spending spending) {
    return new RoutingSlip(sagaId, taskId, prompt, steps, 0, Map.of(), Map.of(), spending);
  }

  public static RoutingSlip start(String sagaId, String taskId, List<SagaStep> steps) {
    return start(sagaId, taskId, "", steps);
  }

  private static void checkIndex(int i, int size) {
    if (i < 0 || i >= size) {
      throw new IllegalArgumentException("step " + i + " outside the " + size + " steps");
    }
  }

  public SagaStep current() {
    return steps.get(cursor);
  }

  public boolean isLastStep() {
    return cursor == steps.size() - 1;
  }

  /** The slip positioned on the next step, or empty when this is the last one. */
  public Optional<RoutingSlip> advance() {
    return isLastStep() ? Optional.empty() : Optional.of(at(cursor + 1));
  }

  /** The same slip positioned on step {@code index}. */
  public RoutingSlip at(int index) {
    return new RoutingSlip(sagaId, taskId, prompt, steps, index, outputs, failures, spending);
  }

  /** The slip once step {@code index} completed with {@code output}, having spent no tokens. */
  public RoutingSlip completed(int index, String output) {
    return completed(index, output, 0);
  }

  /**
   * The slip once step {@code index} completed with {@code output}, having spent {@code tokens}.
   */
  public RoutingSlip completed(int index, String output, long tokens) {
    Map<Integer, String> o = new HashMap<>(outputs);
    o.put(index, output);
    Map<Integer, String> f = new HashMap<>(failures);
    f.remove(index);
    return new RoutingSlip(
        sagaId, taskId, prompt, steps, cursor, o, f, spending.withStep(index, tokens));
  }

  /** The slip once step {@code index} failed for {@code reason}, having spent no tokens. */
  public RoutingSlip failed(int index, String reason) {
    return failed(index, reason, 0);
  }

  /** The slip once step {@code index} failed for {@code reason}, having spent {@code tokens}. */
  public RoutingSlip failed(int index, String reason, long tokens) {
    Map<Integer, String> o = new HashMap<>(outputs);
    o.remove(index);
    Map<Integer, String> f = new HashMap<>(failures);
    f.put(index, reason);
    return new RoutingSlip(
        sagaId, taskId, prompt, steps, cursor, o, f, spending.withStep(index, tokens));
  }

  /**
   * The tokens step {@code index} may spend, or empty if the saga has no budget: what the budget
   * leaves after the steps of the earlier stages, shared equally by the stage's steps that are not
   * approvals. A step's allowance is a function of the slip its command carries, and the shares of
   * a parallel stage add up to at most what was left, so the saga stays within its budget however
   * its steps are spread over workers.
   */
  public OptionalLong tokenAllowance(int index) {
    if (spending.budget().isEmpty()) {
      return OptionalLong.empty();
    }
    List<Integer> stage = stageSteps(index);
    long earlier = 0;
    for (var e : spending.tokens().entrySet()) {
      if (!stage.contains(e.getKey())) {
        earlier += e.getValue();
      }
    }
    long sharing = Math.max(1, stage.stream().filter(i -> !steps.get(i).isApproval()).count());
    return OptionalLong.of(Math.max(0, spending.budget().getAsLong() - earlier) / sharing);
  }

  public boolean isSettled(int index) {
    return outputs.containsKey(index) || failures.containsKey(index);
  }

  /**
   * The stage of step {@code index}: 0 for the first stage, one more for each step that is not
   * parallel.
   */
  public int stageOf(int index) {
    checkIndex(index, steps.size());
    int stage = 0;
    for (int i = 1; i <= index; i++) {
      if (!steps.get(i).parallel()) {
        stage++;
      }
    }
    return stage;
  }

  /** The step indices of each stage, in order. */
  public List<List<Integer>> stages() {
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (i == 0 || !steps.get(i).parallel()) {
        out.add(new ArrayList<>());
      }
      out.get(out.size() - 1).add(i);
    }
    return out.stream().map(List::copyOf).toList();
  }

  /** The step indices of the stage of step {@code index}. */
  public List<Integer> stageSteps(int index) {
    return stages().get(stageOf(index));
  }

  /**
   * The output a step of stage {@code stage} receives as its input: the outputs of the nearest
   * earlier stage that is not only approvals, joined by blank lines in step order; the prompt for
   * the first stage.
   */
  public String previousOutput(int stage) {
    List<List<Integer>> all = stages();
    for (int s = stage - 1; s >= 0; s--) {
      List<Integer> members = all.get(s);
      if (members.stream().allMatch(i -> steps.get(i).isApproval())) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      for (int i : members) {
        if (!steps.get(i).isApproval() && outputs.containsKey(i)) {
          if (sb.length() > 0) {
            sb.append("\n\n");
          }
          sb.append(outputs.get(i));
        }
      }
      return sb.toString();
    }
    return prompt;
  }
}
