package io.conclave.projections.ledger;

import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ReadAccess;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * What one projections instance asks another about the call ledger ({@link LedgerQueries}): the
 * stores' values as kept, from this instance's own partitions only; a value of a partition this
 * instance does not hold (any more) is 503, never forwarded. Not part of the API: the paths and
 * bodies may change between versions, and every instance of a group must run the same one.
 */
@Hidden
@ReadAccess
@Controller("/peers")
@ExecuteOn(TaskExecutors.BLOCKING)
class LedgerPeerController {
  private final LedgerQueries queries;

  LedgerPeerController(LedgerQueries queries) {
    this.queries = queries;
  }

  @Get("/ledger/agents/{agentId}")
  AgentLedger agentLedger(String agentId) {
    return queries
        .agentLedger(agentId, true)
        .orElseThrow(
            () -> new NotFoundException("no model call recorded by agent '" + agentId + "'"));
  }

  @Get("/ledger/tenants/{tenant}")
  TenantLedger tenantLedger(String tenant) {
    return queries
        .tenantLedger(tenant, true)
        .orElseThrow(() -> new NotFoundException("no settled step of tenant '" + tenant + "'"));
  }
}
