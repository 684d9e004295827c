package io.conclave.projections.ledger;

/** The names of the call ledger's stores. */
public final class LedgerStores {
  /** Agent id -> its {@link AgentLedger} ({@link AgentLedgerFold}). */
  public static final String LEDGER_AGENTS = "ledger-agents";

  /** Tenant -> its {@link TenantLedger}. */
  public static final String LEDGER_TENANTS = "ledger-tenants";

  /**
   * The repartition of the settled steps' spending by tenant (topic {@code
   * <applicationId>-<this>-repartition}).
   */
  public static final String LEDGER_TENANT_STEPS = "ledger-tenant-steps";

  private LedgerStores() {}
}
