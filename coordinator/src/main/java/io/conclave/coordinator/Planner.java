package io.conclave.coordinator;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaStep;
import java.util.List;

/**
 * Turns a task into the ordered steps of its saga. Implementations may call a model; they must not
 * write to Kafka.
 */
@FunctionalInterface
public interface Planner {
  /**
   * @return at least one step
   * @throws IllegalArgumentException if the task can never be planned (it is dead-lettered, not
   *     retried: the coordinator turns it into the task's {@code PoisonRecordException})
   */
  List<SagaStep> plan(TaskSubmission task);
}
