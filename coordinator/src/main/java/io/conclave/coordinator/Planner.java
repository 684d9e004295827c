package io.conclave.coordinator;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaStep;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * Turns a task into the ordered steps of its saga. Implementations may call a model; they must not
 * write to Kafka. Whatever they answer, the shard leader checks the plan against the agent types
 * the installation runs and the rules of a saga ({@link TaskPlanning}) before it starts it.
 */
@FunctionalInterface
public interface Planner {
  /**
   * @return at least one step
   * @throws IllegalArgumentException if the task can never be planned: the shard leader refuses it
   *     (its saga ends at once with the message as its reason, and the refusal is in the planner's
   *     log)
   * @throws RuntimeException for a transient failure: the task is planned again
   */
  List<SagaStep> plan(TaskSubmission task);

  /**
   * The planning of {@code task} by a planner that may choose among the registered {@code
   * definitions} and records what it did to decide (a model call). By default {@link
   * #plan(TaskSubmission)}, recording nothing.
   *
   * @param definitions the definitions registered now, by name (read when called: a planner that
   *     does not choose among them costs nothing)
   * @throws IllegalArgumentException as {@link #plan(TaskSubmission)}
   * @throws RuntimeException for a transient failure: the task is planned again
   */
  default Planning plan(
      TaskSubmission task, Supplier<SortedMap<String, RegisteredSaga>> definitions) {
    return Planning.planned(plan(task));
  }
}
