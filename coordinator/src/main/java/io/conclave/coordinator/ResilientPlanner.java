package io.conclave.coordinator;

import dev.failsafe.FailsafeExecutor;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.resilience.CallPolicies;
import java.time.Duration;
import java.util.List;

/**
 * A planner behind the standard call policies (timeout, retry with backoff; see {@link
 * CallPolicies}).
 */
public final class ResilientPlanner implements Planner {
  private final Planner delegate;
  private final FailsafeExecutor<List<SagaStep>> executor;

  public ResilientPlanner(Planner delegate, Duration callTimeout, int maxRetries) {
    this.delegate = delegate;
    this.executor = CallPolicies.standard(callTimeout, maxRetries);
  }

  @Override
  public List<SagaStep> plan(TaskSubmission task) {
    return executor.get(() -> delegate.plan(task));
  }
}
