package io.conclave.coordinator;

import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How many tokens a saga and a tenant may spend on model calls, as the shard leaders grant them.
 * Immutable.
 *
 * @param sagaTokens what a saga may spend ({@code conclave.llm.budget.saga-tokens}); empty: no
 *     limit
 * @param tenantTokens what each tenant may spend in all, unless {@code perTenant} says otherwise
 *     ({@code conclave.llm.budget.tenant-tokens}); empty: no limit
 * @param perTenant tenants with a budget of their own ({@code conclave.llm.budget.tenants}, e.g.
 *     {@code acme:500000,globex:2000000})
 */
public record TokenBudgets(
    OptionalLong sagaTokens, OptionalLong tenantTokens, Map<String, Long> perTenant) {
  /** No budget at all. */
  public static final TokenBudgets NONE =
      new TokenBudgets(OptionalLong.empty(), OptionalLong.empty(), Map.of());

  private static final Setting SAGA_TOKENS =
      Setting.of("conclave.llm.budget.saga-tokens", "CONCLAVE_LLM_BUDGET_SAGA_TOKENS", 0);
  private static final Setting TENANT_TOKENS =
      Setting.of("conclave.llm.budget.tenant-tokens", "CONCLAVE_LLM_BUDGET_TENANT_TOKENS", 0);
  private static final Setting TENANTS =
      Setting.of("conclave.llm.budget.tenants", "CONCLAVE_LLM_BUDGET_TENANTS", null);

  /** The settings the budgets are read from. */
  public static final List<Setting> SETTINGS = List.of(SAGA_TOKENS, TENANT_TOKENS, TENANTS);

  public TokenBudgets {
    perTenant = Map.copyOf(perTenant);
    check(sagaTokens, "conclave.llm.budget.saga-tokens");
    check(tenantTokens, "conclave.llm.budget.tenant-tokens");
    perTenant.forEach(
        (tenant, budget) ->
            check(OptionalLong.of(budget), "conclave.llm.budget.tenants (" + tenant + ")"));
    if ((tenantTokens.isPresent() || !perTenant.isEmpty()) && sagaTokens.isEmpty()) {
      throw new IllegalArgumentException(
          "a tenant budget needs conclave.llm.budget.saga-tokens / "
              + "CONCLAVE_LLM_BUDGET_SAGA_TOKENS too: the tokens each saga sets aside from its tenant's budget when it "
              + "starts");
    }
  }

  private static void check(OptionalLong budget, String setting) {
    if (budget.isPresent() && budget.getAsLong() < 0) {
      throw new IllegalArgumentException(setting + " must be >= 0, was " + budget.getAsLong());
    }
  }

  /** A budget per saga only. */
  public static TokenBudgets perSaga(long tokens) {
    return new TokenBudgets(OptionalLong.of(tokens), OptionalLong.empty(), Map.of());
  }

  /** What {@code tenant} may spend in all, if it has a budget. */
  public OptionalLong tenant(String tenant) {
    Long own = perTenant.get(tenant);
    return own != null ? OptionalLong.of(own) : tenantTokens;
  }

  /**
   * The budgets in the settings {@code conclave.llm.budget.saga-tokens}, {@code
   * conclave.llm.budget.tenant-tokens} and {@code conclave.llm.budget.tenants} (0 or unset: no
   * budget).
   */
  public static TokenBudgets from(EnvironmentLookup env) {
    Map<String, Long> perTenant = new HashMap<>();
    String listed = Objects.requireNonNullElse(env.get(TENANTS), "");
    for (String entry : listed.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.lastIndexOf(':');
      try {
        perTenant.put(
            entry.substring(0, colon).trim(), Long.parseLong(entry.substring(colon + 1).trim()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            TENANTS.names()
                + " is a list of "
                + "tenant:tokens separated by commas, e.g. acme:500000,globex:2000000; '"
                + entry.trim()
                + "' is not");
      }
    }
    return new TokenBudgets(positive(env, SAGA_TOKENS), positive(env, TENANT_TOKENS), perTenant);
  }

  private static OptionalLong positive(EnvironmentLookup env, Setting setting) {
    String raw = env.get(setting);
    try {
      long value = Long.parseLong(raw);
      return value == 0 ? OptionalLong.empty() : OptionalLong.of(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          setting.names() + " must be a whole number, was '" + raw + "'");
    }
  }
}
