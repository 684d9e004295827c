package io.conclave.launcher.saga;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.coordinator.TokenBudgets;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.models.ModelCall;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Token budgets hold across concurrent worker processes: the shard leaders grant each saga an
 * allowance from their share of its tenant's budget, a step spends at most what its command's slip
 * allows, and a saga whose step would go past it fails that step and compensates. What was spent is
 * read back from the agents' logs (the call ledger), not from the budget's own bookkeeping.
 */
@ExtendWith(ConclaveStackExtension.class)
class BudgetIT {
  // a 3-step saga of offline agents spends about 65 tokens: 80 lets it complete, a smaller
  // remainder of a share not
  private static final long SAGA_TOKENS = 80;
  private static final long ACME_TOKENS = 600; // 200 a shard, on 3 shards
  private static final String REFUSED = "tenant acme has no tokens left";

  @Test
  void aTenantsSagasTogetherStayWithinItsBudgetAcrossWorkers(ConclaveStack stack) throws Exception {
    ConclaveSettings settings =
        stack.prepare(
            ConclaveSettings.from(Map.of(), Map.of())
                .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                .withTopicPrefix("budget-" + UUID.randomUUID().toString().substring(0, 8)));
    var budgets =
        new TokenBudgets(
            OptionalLong.of(SAGA_TOKENS), OptionalLong.empty(), Map.of("acme", ACME_TOKENS));
    // two worker processes share every agent type; the offline model takes 30 ms an answer, so
    // steps of many sagas run at the same time on both
    try (InProcessConclave conclave =
        InProcessConclave.with(settings)
            .budgets(budgets)
            .workers(0)
            .workerProcesses(2, List.of("-Dconclave.offline.latency-ms=30"))
            .noProjections()
            .start()) {
      StackClient client = conclave.client();
      List<SagaStep> plan =
          Saga.step("research", "gather", "discard")
              .step("analysis", "analyze", "retract")
              .step("write", "draft", "unpublish")
              .build()
              .steps();

      // when: twelve sagas of tenant acme and three of a tenant without a budget of its own arrive
      // at once
      List<String> acme = submit(client, plan, "acme", "a-", 12);
      List<String> other = submit(client, plan, "globex", "g-", 3);
      awaitEnded(client, acme, other);

      // then: every saga got at most the saga budget; the leaders refused acme's sagas beyond its
      // budget, clearly
      Map<String, SagaState> sagas = sagas(client);
      Ledger ledger = Ledger.read(client);
      for (String id : other) {
        assertThat(sagas.get(id).spending().budget()).hasValue(SAGA_TOKENS);
      }
      List<SagaState> refused =
          acme.stream().map(sagas::get).filter(s -> reason(s).contains(REFUSED)).toList();
      List<SagaState> granted =
          acme.stream().map(sagas::get).filter(s -> !reason(s).contains(REFUSED)).toList();
      assertThat(refused)
          .as("the shards' shares of acme's budget held by running sagas")
          .isNotEmpty()
          .allSatisfy(s -> assertThat(ledger.of(s.sagaId())).isZero());
      assertThat(granted)
          .isNotEmpty()
          .allSatisfy(
              s -> assertThat(s.spending().budget().getAsLong()).isBetween(1L, SAGA_TOKENS));

      // ... the budget's bookkeeping (the tokens the saga events carry) is the ledger's count
      for (SagaState s : sagas.values()) {
        assertThat(s.spending().spent()).as(s.sagaId()).isEqualTo(ledger.of(s.sagaId()));
      }
      // ... a saga went past its allowance by at most its last call, and only with that step
      // failing and the saga
      // compensating
      for (SagaState s : granted) {
        long over = s.spending().spent() - s.spending().budget().getAsLong();
        if (over > 0 || s.status() != SagaState.Status.COMPLETED) {
          assertThat(s.status()).as(s.sagaId()).isEqualTo(SagaState.Status.COMPENSATED);
          assertThat(s.reason()).as(s.sagaId()).contains("BudgetExceededException");
        }
        assertThat(over)
            .as(s.sagaId())
            .isLessThanOrEqualTo(ledger.lastCallOutput().getOrDefault(s.sagaId(), 0L));
      }
      // ... and acme's sagas together spent no more than its budget, but for those last calls
      long overshoot =
          granted.stream()
              .mapToLong(s -> Math.max(0, s.spending().spent() - s.spending().budget().getAsLong()))
              .sum();
      long acmeSpent = acme.stream().mapToLong(ledger::of).sum();
      assertThat(acmeSpent).isLessThanOrEqualTo(ACME_TOKENS + overshoot);
      assertThat(granted)
          .as("enough budget for some to complete")
          .anyMatch(s -> s.status() == SagaState.Status.COMPLETED);
      assertThat(granted)
          .as("a remainder too small for a whole saga: a step that would exceed it fails")
          .anyMatch(s -> s.status() == SagaState.Status.COMPENSATED);

      // when: once they all ended, acme submits again
      List<String> again = submit(client, plan, "acme", "b-", 6);
      awaitEnded(client, again, List.of());

      // then: what the ended sagas did not spend was given back and granted again, still within the
      // budget
      Map<String, SagaState> after = sagas(client);
      assertThat(again)
          .as("unspent allowances are granted again")
          .anyMatch(id -> !reason(after.get(id)).contains(REFUSED));
      Ledger ledgerAfter = Ledger.read(client);
      long overshootAfter =
          after.values().stream()
              .filter(s -> s.spending().tenant().equals("acme"))
              .filter(s -> s.spending().budget().isPresent())
              .mapToLong(s -> Math.max(0, s.spending().spent() - s.spending().budget().getAsLong()))
              .sum();
      long acmeSpentAfter =
          after.values().stream()
              .filter(s -> s.spending().tenant().equals("acme"))
              .mapToLong(s -> ledgerAfter.of(s.sagaId()))
              .sum();
      assertThat(acmeSpentAfter)
          .isGreaterThan(acmeSpent)
          .isLessThanOrEqualTo(ACME_TOKENS + overshootAfter);
    }
  }

  private static List<String> submit(
      StackClient client, List<SagaStep> plan, String tenant, String prefix, int count) {
    List<String> sagaIds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      var task =
          new TaskSubmission(
              prefix + i,
              "question " + i + " of " + tenant,
              Clock.systemUTC().instant(),
              Optional.of(plan),
              tenant);
      client.submit(task);
      sagaIds.add("saga-" + task.taskId());
    }
    return sagaIds;
  }

  private static void awaitEnded(StackClient client, List<String> some, List<String> others) {
    List<String> all = new ArrayList<>(some);
    all.addAll(others);
    eventually(
        () -> {
          Map<String, SagaState> sagas = sagas(client);
          assertThat(all)
              .allMatch(id -> sagas.containsKey(id) && sagas.get(id).status().isFinished());
        });
  }

  private static Map<String, SagaState> sagas(StackClient client) {
    return client.sagaEvents().stream()
        .collect(Collectors.groupingBy(SagaEvent::sagaId))
        .entrySet()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> SagaState.of(e.getValue())));
  }

  private static String reason(SagaState saga) {
    return saga.reason() == null ? "" : saga.reason();
  }

  /**
   * The call ledger as the agents' logs hold it, read once: per saga, the tokens of every model
   * call, and the output tokens of its latest call (how far past its allowance that call could take
   * it).
   */
  private record Ledger(Map<String, Long> tokens, Map<String, Long> lastCallOutput) {
    static Ledger read(StackClient client) {
      Map<String, Long> tokens = new HashMap<>();
      Map<String, Decision> last = new HashMap<>();
      for (Decision d : client.decisions()) {
        if (d.kind().equals(ModelCall.KIND) && d.sagaId().isPresent()) {
          tokens.merge(d.sagaId().get(), ModelCall.of(d).usage().total(), Long::sum);
          last.merge(d.sagaId().get(), d, (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }
      }
      Map<String, Long> lastOutput = new HashMap<>();
      last.forEach((saga, d) -> lastOutput.put(saga, ModelCall.of(d).usage().outputTokens()));
      return new Ledger(tokens, lastOutput);
    }

    long of(String sagaId) {
      return tokens.getOrDefault(sagaId, 0L);
    }
  }
}
