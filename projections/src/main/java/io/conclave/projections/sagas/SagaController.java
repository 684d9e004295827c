package io.conclave.projections.sagas;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaIds;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.http.ApiRoles;
import io.conclave.projections.http.BacklogMonitor;
import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ReadAccess;
import io.conclave.projections.runtime.ConclaveWriter;
import io.conclave.projections.tasks.TaskQueries;
import io.conclave.runtime.config.ConclaveSettings;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import java.net.URI;
import java.time.Clock;
import java.util.List;

/**
 * Sagas: start a task with a saga of the client's own, follow sagas, and decide their approval
 * steps. Reads answer from the projection of conclave.saga-events over every projections instance
 * ({@link SagaQueries}, {@link TaskQueries}; 503 + {@code Retry-After} while it starts or
 * rebalances).
 */
@Controller("/sagas")
@ExecuteOn(TaskExecutors.BLOCKING)
class SagaController {
  private final ConclaveWriter writer;
  private final SagaQueries queries;
  private final TaskQueries tasks;
  private final List<String> agentTypes;
  private final BacklogMonitor backlog;
  private final Clock clock = Clock.systemUTC();

  SagaController(
      ConclaveWriter writer,
      SagaQueries queries,
      TaskQueries tasks,
      ConclaveSettings settings,
      BacklogMonitor backlog) {
    this.writer = writer;
    this.queries = queries;
    this.tasks = tasks;
    this.agentTypes = settings.agentTypes();
    this.backlog = backlog;
  }

  /**
   * Starts a saga the client defined, from a JSON or YAML body. The request ({@code SagaRequest})
   * in JSON: the task and its saga go on {@code conclave.tasks}; 202 once every in-sync replica has
   * it. Submitting a task id again is harmless: the task's saga is started once. While more records
   * wait for Conclave's consumers than conclave.api.max-backlog allows, the answer is 503 with a
   * Retry-After header, and nothing is written.
   */
  @Secured(ApiRoles.WRITER)
  @Post(consumes = MediaType.APPLICATION_JSON)
  HttpResponse<SagaAccepted> start(@Body JsonNode body) {
    return start(SagaRequest.fromJson(body));
  }

  /**
   * Starts a saga the client defined, from a JSON or YAML body. The request ({@code SagaRequest})
   * is the same in YAML ({@code application/yaml}, {@code application/x-yaml} or {@code text/yaml})
   * as in JSON: the task and its saga go on {@code conclave.tasks}; 202 once every in-sync replica
   * has it. Submitting a task id again is harmless: the task's saga is started once. While more
   * records wait for Conclave's consumers than conclave.api.max-backlog allows, the answer is 503
   * with a Retry-After header, and nothing is written.
   */
  @Secured(ApiRoles.WRITER)
  @Post(consumes = {"application/yaml", "application/x-yaml", "text/yaml"})
  HttpResponse<SagaAccepted> startYaml(@Body String body) {
    return start(SagaRequest.fromYaml(body));
  }

  private HttpResponse<SagaAccepted> start(SagaRequest request) {
    SagaDefinition.requireKnownAgentTypes(request.saga().steps(), agentTypes);
    TaskSubmission task = request.submission(clock.instant());
    backlog.admit(); // after parsing: bad input is a 400 whatever the backlog
    writer.write(task);
    String sagaId = SagaIds.of(task.taskId());
    String location = location(sagaId);
    return HttpResponse.accepted(URI.create(location))
        .body(new SagaAccepted(task.taskId(), sagaId, location));
  }

  /** The saga: status, plan, every step's state, the compensations, timings. */
  @ReadAccess
  @Get("/{sagaId}")
  SagaView get(String sagaId) {
    return SagaView.of(find(sagaId));
  }

  /**
   * The sagas over every instance, optionally only those in one status. By task id; {@code status}
   * one of RUNNING, AWAITING_APPROVAL, COMPENSATING, COMPLETED, COMPENSATED, FAILED in any case
   * (default: all), at most {@code limit} (default 100, at most 1000).
   */
  @ReadAccess
  @Get
  List<SagaSummary> list(@Nullable @QueryValue String status, @Nullable @QueryValue String limit) {
    return queries.sagas(SagaQuery.parse(status, limit));
  }

  /**
   * Approves or rejects an approval step of a saga. The body is {@code {"approved": true|false,
   * "actor"?: "...", "comment"?: "..."}}. Checked against the projected state ({@code
   * ApprovalRequest}: 400 if the step is not an approval, 409 if it is not awaiting one or was
   * decided), then written as an {@code ApprovalDecided} event; 202 once every in-sync replica has
   * it. The projection may be a moment behind: the shard leader is the final arbiter, and carries
   * out only the first decision for a step that still waits; it ignores any other.
   */
  @Secured(ApiRoles.WRITER)
  @Post("/{sagaId}/approvals/{step}")
  HttpResponse<ApprovalAccepted> decide(String sagaId, String step, @Body JsonNode body) {
    int index = ApprovalRequest.step(step);
    ApprovalRequest request = ApprovalRequest.parse(body);
    writer.write(request.decide(find(sagaId), index, clock.instant()));
    String location = location(sagaId);
    return HttpResponse.accepted(URI.create(location))
        .body(new ApprovalAccepted(sagaId, index, request.approved(), location));
  }

  /**
   * @throws IllegalArgumentException if the id is malformed; @throws NotFoundException if the saga
   *     is unknown
   */
  private SagaState find(String sagaId) {
    String taskId = SagaIds.taskIdOf(sagaId);
    return tasks
        .saga(taskId, false)
        .orElseThrow(() -> new NotFoundException("no saga with id '" + sagaId + "'"));
  }

  private static String location(String sagaId) {
    return "/sagas/" + sagaId;
  }
}
