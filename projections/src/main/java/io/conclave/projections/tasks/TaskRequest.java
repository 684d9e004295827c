package io.conclave.projections.tasks;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import io.conclave.projections.http.StrictJson;
import io.micronaut.json.tree.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Body of {@code POST /tasks}, read strictly: an object with a string {@code prompt}, an optional
 * string {@code taskId}, an optional string {@code tenant} and an optional string {@code
 * definition} (the name of a registered saga definition to run), nothing else. No coercion (a
 * number is not a prompt) and no unknown fields, so a client's mistake is a 400 that names it
 * instead of a task nobody meant.
 *
 * @param taskId the idempotency key of the task, or null to have one made
 * @param prompt what the agents should do
 * @param tenant who the task's model calls are charged to, or null for the default tenant
 * @param definition the registered saga definition to run, or null to have the planner plan it
 */
public record TaskRequest(String taskId, String prompt, String tenant, String definition) {
  private static final Set<String> FIELDS = Set.of("taskId", "prompt", "tenant", "definition");

  /** A request that names no definition. */
  public TaskRequest(String taskId, String prompt, String tenant) {
    this(taskId, prompt, tenant, null);
  }

  public static TaskRequest parse(JsonNode body) {
    StrictJson.requireObject(body, FIELDS, "{\"prompt\": \"...\"}");
    String prompt = StrictJson.optionalString(body, "prompt");
    if (prompt == null) {
      throw new IllegalArgumentException("prompt is required");
    }
    return new TaskRequest(
        StrictJson.optionalString(body, "taskId"),
        prompt,
        StrictJson.optionalString(body, "tenant"),
        StrictJson.optionalString(body, "definition"));
  }

  /**
   * The task to write: this one, submitted {@code now}, under a fresh id if it has none.
   *
   * @param plan the client's saga, or empty to have the shard leader plan one
   * @throws IllegalArgumentException if the task id or prompt is not acceptable (naming which)
   */
  public TaskSubmission submission(Instant now, Optional<List<SagaStep>> plan) {
    return new TaskSubmission(
        taskId == null ? UUID.randomUUID().toString() : taskId,
        prompt,
        now,
        plan,
        tenant == null ? Spending.DEFAULT_TENANT : tenant,
        Optional.ofNullable(definition));
  }
}
