package io.conclave.coordinator;

import dev.failsafe.FailsafeExecutor;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.resilience.CallPolicies;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * A planner behind the standard call policies (timeout, retry with backoff; see {@link
 * CallPolicies}).
 */
public final class ResilientPlanner implements Planner {
  private final Planner delegate;
  private final FailsafeExecutor<List<SagaStep>> steps;
  private final FailsafeExecutor<Planning> plannings;

  public ResilientPlanner(Planner delegate, Duration callTimeout, int maxRetries) {
    this.delegate = delegate;
    this.steps = CallPolicies.standard(callTimeout, maxRetries);
    this.plannings = CallPolicies.standard(callTimeout, maxRetries);
  }

  @Override
  public List<SagaStep> plan(TaskSubmission task) {
    return steps.get(() -> delegate.plan(task));
  }

  @Override
  public Planning plan(
      TaskSubmission task, Supplier<SortedMap<String, RegisteredSaga>> definitions) {
    return plannings.get(() -> delegate.plan(task, definitions));
  }
}
