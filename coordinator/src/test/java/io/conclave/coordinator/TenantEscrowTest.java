package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import io.conclave.runtime.env.EnvironmentLookup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The shard leaders' escrow of a tenant's token budget: however sagas start and end on however many
 * shards, the leaders together never grant more than the tenant's budget, and what an ended saga
 * did not spend is granted again.
 */
class TenantEscrowTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final List<SagaStep> PLAN =
      List.of(new SagaStep("research", "gather", "", "discard"));

  /** A saga's state once its start was folded in. */
  private static SagaState started(String sagaId, Spending spending, int shard) {
    return SagaState.of(
        List.of(
            new SagaEvent.Started(
                sagaId,
                sagaId,
                SagaEvent.Seq.started(),
                PLAN,
                "why?",
                new LeaderStamp(shard, 1),
                T0,
                spending)));
  }

  /** The same saga once its one step spent {@code tokens} and it completed. */
  private static SagaState ended(SagaState saga, long tokens) {
    return saga.apply(
            new SagaEvent.StepCompleted(
                saga.sagaId(),
                saga.taskId(),
                SagaEvent.Seq.step(0),
                0,
                "research",
                "done",
                T0.plusSeconds(1),
                tokens))
        .apply(
            new SagaEvent.Completed(
                saga.sagaId(), saga.taskId(), SagaEvent.Seq.end(1), T0.plusSeconds(2)));
  }

  private record Running(int shard, SagaState saga) {}

  /**
   * One of a run's moves, in place of a {@code Random} so that a failure shrinks: a {@code kind} of
   * 0 ends a running saga, 1 or 2 start one (two starts to an end, as before). Picks are taken
   * modulo the shards, the running sagas or the budget; 720,720 is a multiple of 1..16, so the
   * shard is uniform.
   */
  private record Move(int kind, int pick, int spentPick) {}

  private static final Gen<Move> MOVES =
      integers()
          .between(0, 2)
          .zip(integers().between(0, 720_719), integers().between(0, 720_719), Move::new);

  @Test
  void theShardsTogetherNeverGrantMoreThanTheTenantsBudget() {
    qt().withExamples(300)
        .forAll(
            integers().between(1, 5),
            longs().between(0, 20_000),
            longs().between(1, 5_000),
            lists().of(MOVES).ofSize(200))
        .checkAssert(
            (shards, tenantBudget, sagaBudget, moves) -> {
              // given: a leader per shard, and the tenant's sagas landing on the shards the moves
              // pick
              var budgets =
                  new TokenBudgets(
                      OptionalLong.of(sagaBudget),
                      OptionalLong.empty(),
                      Map.of("acme", tenantBudget));
              List<TenantEscrow> leaders = new ArrayList<>();
              for (int s = 0; s < shards; s++) {
                leaders.add(new TenantEscrow(budgets, s, shards));
              }
              List<Running> running = new ArrayList<>();
              long spentByEnded = 0;

              for (int i = 0; i < moves.size(); i++) {
                Move move = moves.get(i);
                if (running.isEmpty() || move.kind() > 0) {
                  // when: a saga starts on a shard, with what its leader grants
                  int shard = move.pick() % shards;
                  TenantEscrow.Grant grant = leaders.get(shard).grant("acme");
                  if (grant instanceof TenantEscrow.Grant.Granted granted) {
                    assertThat(granted.spending().budget().getAsLong()).isBetween(1L, sagaBudget);
                    SagaState saga = started("saga-" + i, granted.spending(), shard);
                    leaders.get(shard).update(saga);
                    running.add(new Running(shard, saga));
                  } else {
                    assertThat(((TenantEscrow.Grant.Refused) grant).reason())
                        .contains("tenant acme has no tokens left");
                  }
                } else {
                  // ... or a running one ends, having spent at most its budget
                  Running done = running.remove(move.pick() % running.size());
                  long budget = done.saga().spending().budget().getAsLong();
                  long spent = move.spentPick() % (budget + 1);
                  leaders.get(done.shard()).update(ended(done.saga(), spent));
                  spentByEnded += spent;
                }

                // then: what the running sagas may still spend and what the ended ones spent fit in
                // the budget
                long held =
                    running.stream().mapToLong(r -> r.saga().spending().budget().getAsLong()).sum();
                assertThat(held + spentByEnded).isLessThanOrEqualTo(tenantBudget);
              }
            });
  }

  @Test
  void whatAnEndedSagaDidNotSpendIsGrantedAgain() {
    // given: one shard, a tenant budget of 1000, 600 a saga
    var escrow =
        new TenantEscrow(
            new TokenBudgets(OptionalLong.of(600), OptionalLong.of(1000), Map.of()), 0, 1);
    var first =
        started("saga-1", ((TenantEscrow.Grant.Granted) escrow.grant("acme")).spending(), 0);
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
    assertThat(((TenantEscrow.Grant.Granted) escrow.grant("acme")).spending().budget())
        .hasValue(500);
    // another tenant has a budget of its own
    assertThat(escrow.available("globex")).hasValue(1000);
  }

  @Test
  void withoutATenantBudgetEverySagaGetsTheSagaBudgetOrNone() {
    var perSaga = new TenantEscrow(TokenBudgets.perSaga(700), 1, 3);
    var none = new TenantEscrow(TokenBudgets.NONE, 1, 3);

    assertThat(((TenantEscrow.Grant.Granted) perSaga.grant("acme")).spending())
        .isEqualTo(Spending.limited("acme", 700));
    assertThat(((TenantEscrow.Grant.Granted) none.grant("acme")).spending())
        .isEqualTo(Spending.unlimited("acme"));
  }

  @Test
  void aBudgetIsSplitBetweenTheShards() {
    var budgets = new TokenBudgets(OptionalLong.of(10), OptionalLong.of(10), Map.of());

    assertThat(new TenantEscrow(budgets, 0, 3).share("acme")).hasValue(4);
    assertThat(new TenantEscrow(budgets, 1, 3).share("acme")).hasValue(3);
    assertThat(new TenantEscrow(budgets, 2, 3).share("acme")).hasValue(3);
  }

  @Test
  void budgetsAreReadFromTheSettings() {
    var env =
        new EnvironmentLookup(
            Map.of("CONCLAVE_LLM_BUDGET_SAGA_TOKENS", "5000"),
            Map.of(
                "conclave.llm.budget.tenant-tokens",
                "100000",
                "conclave.llm.budget.tenants",
                "acme:500, globex:0"));

    TokenBudgets budgets = TokenBudgets.from(env);

    assertThat(budgets.sagaTokens()).hasValue(5000);
    assertThat(budgets.tenant("acme")).hasValue(500);
    assertThat(budgets.tenant("globex")).hasValue(0);
    assertThat(budgets.tenant("initech")).hasValue(100_000);
    assertThat(TokenBudgets.from(new EnvironmentLookup(Map.of(), Map.of())))
        .isEqualTo(TokenBudgets.NONE);
  }

  @Test
  void aTenantBudgetWithoutASagaBudgetOrAMalformedListIsRefusedWithTheSettingsName() {
    assertThatThrownBy(
            () ->
                TokenBudgets.from(
                    new EnvironmentLookup(
                        Map.of(), Map.of("conclave.llm.budget.tenant-tokens", "100"))))
        .hasMessageContaining("conclave.llm.budget.saga-tokens");
    assertThatThrownBy(
            () ->
                TokenBudgets.from(
                    new EnvironmentLookup(
                        Map.of(),
                        Map.of(
                            "conclave.llm.budget.saga-tokens",
                            "10",
                            "conclave.llm.budget.tenants",
                            "acme=5"))))
        .hasMessageContaining("conclave.llm.budget.tenants")
        .hasMessageContaining("'acme=5'");
  }
}
