package io.conclave.model.cluster;

import io.conclave.model.Require;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A task a client asked Conclave to carry out. The {@code taskId} is the idempotency key:
 * submitting the same id again does not start a second saga.
 *
 * @param plan the saga to run, when the client defined it ({@link SagaDefinition}); otherwise the
 *     shard leader's planner plans it
 * @param tenant who the task's model calls are charged to, and whose token budget they spend
 *     ({@link Spending#DEFAULT_TENANT} when the client named none)
 * @param definition the name of a {@linkplain RegisteredSaga registered definition} to run, when
 *     the client named one instead of a plan; the shard leader refuses the task if no definition
 *     has that name
 */
public record TaskSubmission(
    String taskId,
    String prompt,
    Instant submittedAt,
    Optional<List<SagaStep>> plan,
    String tenant,
    Optional<String> definition) {
  /** The longest task id accepted. */
  public static final int MAX_ID_LENGTH = Require.MAX_ID_LENGTH;

  public TaskSubmission {
    Require.id(taskId, "taskId");
    Require.text(prompt, "prompt");
    Require.present(submittedAt, "submittedAt");
    plan = Require.present(plan, "plan").map(p -> new SagaDefinition(p).steps());
    Require.id(tenant, "tenant", Spending.MAX_TENANT_LENGTH);
    definition = Require.present(definition, "definition").map(RegisteredSaga::requireName);
    if (plan.isPresent() && definition.isPresent()) {
      throw new IllegalArgumentException(
          "a task names a definition or carries a plan, not both (definition '"
              + definition.get()
              + "')");
    }
  }

  /** A task that names no definition. */
  public TaskSubmission(
      String taskId,
      String prompt,
      Instant submittedAt,
      Optional<List<SagaStep>> plan,
      String tenant) {
    this(taskId, prompt, submittedAt, plan, tenant, Optional.empty());
  }

  /** A task of {@code tenant} that runs the registered definition {@code definition}. */
  public static TaskSubmission naming(
      String taskId, String prompt, Instant submittedAt, String tenant, String definition) {
    return new TaskSubmission(
        taskId, prompt, submittedAt, Optional.empty(), tenant, Optional.of(definition));
  }

  /** A task of the default tenant. */
  public TaskSubmission(
      String taskId, String prompt, Instant submittedAt, Optional<List<SagaStep>> plan) {
    this(taskId, prompt, submittedAt, plan, Spending.DEFAULT_TENANT);
  }

  public TaskSubmission(String taskId, String prompt, Instant submittedAt) {
    this(taskId, prompt, submittedAt, Optional.empty());
  }
}
