package io.conclave.projections.tasks;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.projections.http.ApiRoles;
import io.conclave.projections.http.BacklogMonitor;
import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ReadAccess;
import io.conclave.projections.runtime.ConclaveWriter;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/** Submit tasks and follow them. */
@Controller("/tasks")
@ExecuteOn(TaskExecutors.BLOCKING)
class TaskController {
  private final ConclaveWriter writer;
  private final TaskQueries queries;
  private final BacklogMonitor backlog;
  private final Clock clock = Clock.systemUTC();

  TaskController(ConclaveWriter writer, TaskQueries queries, BacklogMonitor backlog) {
    this.writer = writer;
    this.queries = queries;
    this.backlog = backlog;
  }

  /**
   * Submits a task, whose saga the planner makes. Puts the task on {@code conclave.tasks} and
   * answers 202 once every in-sync replica has it. Submitting a task id again is harmless: the
   * task's saga is started once. While more records wait for Conclave's consumers than
   * conclave.api.max-backlog allows, the answer is 503 with a Retry-After header and a body naming
   * the backlog and the bound, and nothing is written.
   */
  @Secured(ApiRoles.WRITER)
  @Post
  HttpResponse<TaskAccepted> submit(@Body JsonNode body) {
    TaskSubmission task = TaskRequest.parse(body).submission(clock.instant(), Optional.empty());
    backlog.admit(); // after parsing: bad input is a 400 whatever the backlog
    writer.write(task);
    String location = "/tasks/" + task.taskId();
    return HttpResponse.accepted(URI.create(location))
        .body(new TaskAccepted(task.taskId(), location));
  }

  /** The task's saga: status and every step's state and result. */
  @ReadAccess
  @Get("/{taskId}")
  TaskView get(String taskId) {
    return queries
        .task(taskId)
        .orElseThrow(() -> new NotFoundException("no task with id '" + taskId + "'"));
  }
}
