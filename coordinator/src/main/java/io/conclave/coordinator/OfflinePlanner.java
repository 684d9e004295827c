package io.conclave.coordinator;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import java.util.List;

/**
 * The deterministic planner used when no model is configured: every task becomes research, then
 * analysis, then writing. The same task always gives the same plan, so replays and tests are
 * reproducible.
 */
public final class OfflinePlanner implements Planner {
  @Override
  public List<SagaStep> plan(TaskSubmission task) {
    return List.of(
        new SagaStep("research", "gather", "find sources for: " + task.prompt(), "discard"),
        new SagaStep("analysis", "analyze", "weigh the sources", "retract"),
        new SagaStep("write", "draft", "write the answer", "unpublish"));
  }

  /** Registers the offline planner under the name {@code offline}, the default planner. */
  public static final class Provider implements PlannerProvider {
    @Override
    public String name() {
      return "offline";
    }

    @Override
    public Planner planner(ConclaveSettings settings, EnvironmentLookup env) {
      return new OfflinePlanner();
    }
  }
}
