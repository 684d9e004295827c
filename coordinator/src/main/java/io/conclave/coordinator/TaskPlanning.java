package io.conclave.coordinator;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaDefinition;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * How a shard leader gets a task's plan, and checks it. A task that names a registered definition
 * runs it; a task that carries a plan runs that; any other is the planner's. Whichever it is, the
 * plan must follow the rules of a saga ({@link SagaDefinition}) and name only the agent types the
 * installation runs (or approvals): otherwise the task is refused, saying why. Pure apart from the
 * planner it calls and the definitions it reads.
 */
final class TaskPlanning {
  private TaskPlanning() {}

  /**
   * @param definitions the definitions registered now, by name; read only for a task that names
   *     one, or by a planner that chooses among them
   * @param agentTypes the agent types the installation runs
   * @throws RuntimeException if the planner failed for a reason that may pass (the task is planned
   *     again)
   */
  static Planning plan(
      TaskSubmission task,
      Planner planner,
      Supplier<SortedMap<String, RegisteredSaga>> definitions,
      Collection<String> agentTypes) {
    Planning planning;
    if (task.definition().isPresent()) {
      String name = task.definition().get();
      SortedMap<String, RegisteredSaga> registered = definitions.get();
      RegisteredSaga named = registered.get(name);
      if (named == null) {
        return new Planning.Refused(
            "no saga definition named '"
                + name
                + "' is registered"
                + (registered.isEmpty() ? "" : "; the registered ones: " + registered.keySet()),
            List.of());
      }
      planning = Planning.planned(named.definition().steps());
    } else if (task.plan().isPresent()) {
      planning = Planning.planned(task.plan().get());
    } else {
      try {
        planning = planner.plan(task, definitions);
      } catch (IllegalArgumentException e) {
        return new Planning.Refused(
            "the planner cannot plan the task: " + e.getMessage(), List.of());
      }
    }
    return checked(planning, agentTypes);
  }

  /**
   * {@code planning}, or its refusal if its plan breaks a saga's rules or names an agent type the
   * installation does not run.
   */
  static Planning checked(Planning planning, Collection<String> agentTypes) {
    if (!(planning instanceof Planning.Planned planned)) {
      return planning;
    }
    try {
      SagaDefinition.requireKnownAgentTypes(
          new SagaDefinition(planned.steps()).steps(), agentTypes);
      return planning;
    } catch (IllegalArgumentException e) {
      return new Planning.Refused("the plan is refused: " + e.getMessage(), planned.recorded());
    }
  }
}
