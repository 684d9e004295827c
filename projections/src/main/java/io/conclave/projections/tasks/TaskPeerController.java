package io.conclave.projections.tasks;

import io.conclave.model.saga.SagaState;
import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ReadAccess;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * What one projections instance asks another about a task ({@link TaskQueries}): the stores' values
 * as kept, from this instance's own partitions only; a value of a partition this instance does not
 * hold (any more) is 503, never forwarded. Not part of the API: the paths and bodies may change
 * between versions, and every instance of a group must run the same one.
 */
@Hidden
@ReadAccess
@Controller("/peers")
@ExecuteOn(TaskExecutors.BLOCKING)
class TaskPeerController {
  private final TaskQueries queries;

  TaskPeerController(TaskQueries queries) {
    this.queries = queries;
  }

  @Get("/sagas/{taskId}")
  SagaState saga(String taskId) {
    return queries
        .saga(taskId, true)
        .orElseThrow(() -> new NotFoundException("no saga of task '" + taskId + "'"));
  }

  @Get("/submissions/{taskId}")
  TaskView submission(String taskId) {
    return queries
        .submission(taskId, true)
        .orElseThrow(() -> new NotFoundException("no submission of task '" + taskId + "'"));
  }
}
