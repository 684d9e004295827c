package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.core.LeaderStamp;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaState;
import io.conclave.core.SagaStep;
import io.conclave.core.Spending;
import io.conclave.kafka.EnvironmentLookup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The shard leaders' escrow of a tenant's token budget: however sagas start and end on however many shards, the
 * leaders together never grant more than the tenant's budget, and what an ended saga did not spend is granted again.
 */
class TenantEscrowTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final List<SagaStep> PLAN = List.of(new SagaStep("research", "gather", "", "discard"));

  /** A saga's state once its start was folded in. */
  private static SagaState started(String sagaId, Spending spending, int shard) {
    return SagaState.of(List.of(new SagaEvent.Started(sagaId, sagaId, SagaEvent.Seq.started(), PLAN, "why?",
        new LeaderStamp(shard, 1), T0, spending)));
  }

  /** The same saga once its one step spent {@code tokens} and it completed. */
  private static SagaState ended(SagaState saga, long tokens) {
    return saga.apply(new SagaEvent.StepCompleted(saga.sagaId(), saga.taskId(), SagaEvent.Seq.step(0), 0, "research",
        "done", T0.plusSeconds(1), tokens)).apply(new SagaEvent.Completed(saga.sagaId(), saga.taskId(),
        SagaEvent.Seq.end(1), T0.plusSeconds(2)));
  }

  private record Running(int shard, SagaState saga) {}

  @Property(tries = 300)
  void theShardsTogetherNeverGrantMoreThanTheTenantsBudget(@ForAll @IntRange(min = 1, max = 5) int shards,
                                                           @ForAll @LongRange(min = 0, max = 20_000) long tenantBudget,
                                                           @ForAll @LongRange(min = 1, max = 5_000) long sagaBudget,
                                                           @ForAll Random random) {
    // given: a leader per shard, and the tenant's sagas landing on random shards
    var budgets = new TokenBudgets(OptionalLong.of(sagaBudget), OptionalLong.empty(), Map.of("acme", tenantBudget));
    List<TenantEscrow> leaders = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      leaders.add(new TenantEscrow(budgets, s, shards));
    }
    List<Running> running = new ArrayList<>();
    long spentByEnded = 0;

    for (int i = 0; i < 200; i++) {
      if (running.isEmpty() || random.nextInt(3) > 0) {
        // when: a saga starts on a random shard, with what its leader grants
        int shard = random.nextInt(shards);
        TenantEscrow.Grant grant = leaders.get(shard).grant("acme");
        if (grant instanceof TenantEscrow.Grant.Granted granted) {
          assertThat(granted.spending().budget().getAsLong()).isBetween(1L, sagaBudget);
          SagaState saga = started("saga-" + i, granted.spending(), shard);
          leaders.get(shard).update(saga);
          running.add(new Running(shard, saga));
        } else {
          assertThat(((TenantEscrow.Grant.Refused) grant).reason()).contains("tenant acme has no tokens left");
        }
      } else {
        // ... or a running one ends, having spent at most its budget
        Running done = running.remove(random.nextInt(running.size()));
        long budget = done.saga().spending().budget().getAsLong();
        long spent = (long) (random.nextDouble() * (budget + 1));
        leaders.get(done.shard()).update(ended(done.saga(), spent));
        spentByEnded += spent;
      }

      // then: what the running sagas may still spend and what the ended ones spent fit in the budget
      long held = running.stream().mapToLong(r -> r.saga().spending().budget().getAsLong()).sum();
      assertThat(held + spentByEnded).isLessThanOrEqualTo(tenantBudget);
    }
  }

  @Example
  void whatAnEndedSagaDidNotSpendIsGrantedAgain() {
    // given: one shard, a tenant budget of 1000, 600 a saga
    var escrow = new TenantEscrow(new TokenBudgets(OptionalLong.of(600), OptionalLong.of(1000), Map.of()), 0, 1);
    var first = started("saga-1", ((TenantEscrow.Grant.Granted) escrow.grant("acme")).spending(), 0);
    escrow.update(first);

    // then: the second saga gets what is left; a third none
    Spending second = ((TenantEscrow.Grant.Granted) escrow.grant("acme")).spending();
    assertThat(second.budget()).hasValue(400);
    escrow.update(started("saga-2", second, 0));
    assertThat(escrow.grant("acme")).isInstanceOf(TenantEscrow.Grant.Refused.class);

    // when: the first ends having spent 100 of its 600
    escrow.update(ended(first, 100));

    // then: 500 are free again
    assertThat(escrow.available("acme")).hasValue(500);
    assertThat(((TenantEscrow.Grant.Granted) escrow.grant("acme")).spending().budget()).hasValue(500);
    // another tenant has a budget of its own
    assertThat(escrow.available("globex")).hasValue(1000);
  }

  @Example
  void withoutATenantBudgetEverySagaGetsTheSagaBudgetOrNone() {
    var perSaga = new TenantEscrow(TokenBudgets.perSaga(700), 1, 3);
    var none = new TenantEscrow(TokenBudgets.NONE, 1, 3);

    assertThat(((TenantEscrow.Grant.Granted) perSaga.grant("acme")).spending())
        .isEqualTo(Spending.limited("acme", 700));
    assertThat(((TenantEscrow.Grant.Granted) none.grant("acme")).spending()).isEqualTo(Spending.unlimited("acme"));
  }

  @Example
  void aBudgetIsSplitBetweenTheShards() {
    var budgets = new TokenBudgets(OptionalLong.of(10), OptionalLong.of(10), Map.of());

    assertThat(new TenantEscrow(budgets, 0, 3).share("acme")).hasValue(4);
    assertThat(new TenantEscrow(budgets, 1, 3).share("acme")).hasValue(3);
    assertThat(new TenantEscrow(budgets, 2, 3).share("acme")).hasValue(3);
  }

  @Example
  void budgetsAreReadFromTheSettings() {
    var env = new EnvironmentLookup(Map.of("CONCLAVE_LLM_BUDGET_SAGA_TOKENS", "5000"),
        Map.of("conclave.llm.budget.tenant-tokens", "100000", "conclave.llm.budget.tenants", "acme:500, globex:0"));

    TokenBudgets budgets = TokenBudgets.from(env);

    assertThat(budgets.sagaTokens()).hasValue(5000);
    assertThat(budgets.tenant("acme")).hasValue(500);
    assertThat(budgets.tenant("globex")).hasValue(0);
    assertThat(budgets.tenant("initech")).hasValue(100_000);
    assertThat(TokenBudgets.from(new EnvironmentLookup(Map.of(), Map.of()))).isEqualTo(TokenBudgets.NONE);
  }

  @Example
  void aTenantBudgetWithoutASagaBudgetOrAMalformedListIsRefusedWithTheSettingsName() {
    assertThatThrownBy(() -> TokenBudgets.from(new EnvironmentLookup(Map.of(),
        Map.of("conclave.llm.budget.tenant-tokens", "100"))))
        .hasMessageContaining("conclave.llm.budget.saga-tokens");
    assertThatThrownBy(() -> TokenBudgets.from(new EnvironmentLookup(Map.of(),
        Map.of("conclave.llm.budget.saga-tokens", "10", "conclave.llm.budget.tenants", "acme=5"))))
        .hasMessageContaining("conclave.llm.budget.tenants").hasMessageContaining("'acme=5'");
  }
}
