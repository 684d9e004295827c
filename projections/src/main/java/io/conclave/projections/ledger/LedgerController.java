package io.conclave.projections.ledger;

import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ReadAccess;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * The call ledger's totals: what model calls spent per agent instance and per tenant, folded from
 * the log by the projections (the agents' {@code LLM_CALL} decisions, the saga events of settled
 * steps). Any instance answers any key.
 */
@ReadAccess
@Controller("/ledger")
@ExecuteOn(TaskExecutors.BLOCKING)
class LedgerController {
  private final LedgerQueries queries;

  LedgerController(LedgerQueries queries) {
    this.queries = queries;
  }

  /**
   * What an agent instance's model calls spent: tokens, cost and calls. Every call in its log
   * counts, whichever attempt made it, in steps and compensations alike.
   */
  @Get("/agents/{agentId}")
  AgentLedger agent(String agentId) {
    return queries
        .agentLedger(agentId, false)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "agent '"
                        + agentId
                        + "' recorded no model call (see /agents/"
                        + agentId
                        + "/decisions)"));
  }

  /**
   * What a tenant's sagas spent on model calls: tokens, cost and steps. The figures the settled
   * steps of its sagas report, as its budget counts them; compensations report none.
   */
  @Get("/tenants/{tenant}")
  TenantLedger tenant(String tenant) {
    return queries
        .tenantLedger(tenant, false)
        .orElseThrow(
            () ->
                new NotFoundException("no step of a saga of tenant '" + tenant + "' has settled"));
  }
}
