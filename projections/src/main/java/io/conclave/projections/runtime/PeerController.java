package io.conclave.projections.runtime;

import io.conclave.model.saga.SagaState;
import io.conclave.projections.agents.DecisionView;
import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ReadAccess;
import io.conclave.projections.http.Served;
import io.conclave.projections.ledger.AgentLedger;
import io.conclave.projections.ledger.TenantLedger;
import io.conclave.projections.operations.LeaderView;
import io.conclave.projections.sagas.SagaQuery;
import io.conclave.projections.sagas.SagaSummary;
import io.conclave.projections.tasks.TaskView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;

/**
 * What one projections instance asks another ({@link ProjectionQueries}): the stores' values as kept, from this
 * instance's own partitions only. A value of a partition this instance does not hold (any more) is 503, never
 * forwarded; a listing names the partitions it read in the {@value PeerHttp#PARTITIONS} header, for the asking
 * instance to check. Not part of the API: the paths and bodies may change between versions, and every instance of a
 * group must run the same one.
 */
@Hidden
@ReadAccess
@Controller("/peers")
@ExecuteOn(TaskExecutors.BLOCKING)
class PeerController {
  private final ProjectionQueries queries;

  PeerController(ProjectionQueries queries) {
    this.queries = queries;
  }

  @Get("/sagas/{taskId}")
  SagaState saga(String taskId) {
    return queries.saga(taskId, true).orElseThrow(() -> new NotFoundException("no saga of task '" + taskId + "'"));
  }

  @Get("/submissions/{taskId}")
  TaskView submission(String taskId) {
    return queries.submission(taskId, true)
        .orElseThrow(() -> new NotFoundException("no submission of task '" + taskId + "'"));
  }

  @Get("/decisions/{agentId}")
  List<DecisionView> decisions(String agentId, long from, long to) {
    return queries.decisions(agentId, from, to, true);
  }

  @Get("/ledger/agents/{agentId}")
  AgentLedger agentLedger(String agentId) {
    return queries.agentLedger(agentId, true)
        .orElseThrow(() -> new NotFoundException("no model call recorded by agent '" + agentId + "'"));
  }

  @Get("/ledger/tenants/{tenant}")
  TenantLedger tenantLedger(String tenant) {
    return queries.tenantLedger(tenant, true)
        .orElseThrow(() -> new NotFoundException("no settled step of tenant '" + tenant + "'"));
  }

  @Get("/sagas")
  HttpResponse<List<SagaSummary>> sagas(@Nullable @QueryValue String status, @Nullable @QueryValue String limit) {
    return listing(queries.localSagas(SagaQuery.parse(status, limit)));
  }

  @Get("/leaders")
  HttpResponse<List<LeaderView>> leaders() {
    return listing(queries.localLeaders());
  }

  private static <P> HttpResponse<P> listing(Served<P> served) {
    return HttpResponse.ok(served.page()).header(PeerHttp.PARTITIONS, PeerHttp.partitionsHeader(served.partitions()));
  }
}
