package io.conclave.projections.ledger;

import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.QueryRoute;
import io.conclave.projections.runtime.StoreReads;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Reads the call ledger over every projections instance of the group ({@link StoreReads}): an
 * agent's by the instance holding the agent's partition, a tenant's by the instance holding the
 * tenant's partition (this one from its store, another by asking it on {@code /peers}, see {@link
 * LedgerPeerController}). It answers the whole truth or {@link ProjectionUnavailableException}
 * (503). Thread-safe.
 */
@Singleton
public class LedgerQueries {
  private final StoreReads reads;

  LedgerQueries(StoreReads reads) {
    this.reads = reads;
  }

  /**
   * What the call ledger counted for agent instance {@code agentId}: its decisions' partition holds
   * it. Empty if it recorded no model call.
   *
   * @param forwarded whether another instance asked this one: then it is answered from this
   *     instance's partition or 503, never asked of another (see {@link QueryRoute#of})
   */
  public Optional<AgentLedger> agentLedger(String agentId, boolean forwarded) {
    return reads.byKey(
        "the ledger of agent '" + agentId + "'",
        LedgerStores.LEDGER_AGENTS,
        agentId,
        forwarded,
        "/peers/ledger/agents/",
        AgentLedger.class);
  }

  /**
   * What the call ledger counted for {@code tenant}: the partition of its key in the tenants'
   * repartition holds it. Empty if no step of its sagas settled. {@code forwarded} as in {@link
   * #agentLedger}.
   */
  public Optional<TenantLedger> tenantLedger(String tenant, boolean forwarded) {
    return reads.byKey(
        "the ledger of tenant '" + tenant + "'",
        LedgerStores.LEDGER_TENANTS,
        tenant,
        forwarded,
        "/peers/ledger/tenants/",
        TenantLedger.class);
  }
}
