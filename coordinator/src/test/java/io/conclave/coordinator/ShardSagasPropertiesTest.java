package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.conclave.model.saga.SagaIds;
import io.conclave.model.saga.ShardCheckpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The law that lets a take-over skip the shard's history: the latest checkpoint, restored, plus the
 * events after it fold to the same state as every event from the first, wherever the checkpoint was
 * taken and however it was split into parts. Generated with QuickTheories (fixed seed, shrinking
 * the list of choices a history is made from).
 */
class ShardSagasPropertiesTest {
  private static final Duration RETENTION = Duration.ofSeconds(20);
  private static final TokenBudgets BUDGETS =
      new TokenBudgets(OptionalLong.of(100), OptionalLong.empty(), Map.of("acme", 1_000L));
  private static final Gen<List<Integer>> CHOICES =
      lists().of(integers().between(0, 699)).ofSizeBetween(0, 80);

  private static ShardSagas empty() {
    return new ShardSagas(RETENTION, new TenantEscrow(BUDGETS, 0, 1));
  }

  private static void run(ShardSagas sagas, List<ShardHistories.Step> steps) {
    for (ShardHistories.Step step : steps) {
      if (step instanceof ShardHistories.Event e) {
        sagas.fold(e.event());
      } else {
        sagas.retire(((ShardHistories.Retire) step).now());
      }
    }
  }

  /**
   * Everything a shard leader decides from: the checkpoint (live events, ended tasks, tenants'
   * spending), each running saga's state and what each tenant may still be granted.
   */
  private static void assertSameState(
      ShardSagas actual, ShardSagas expected, List<String> taskIds) {
    ShardCheckpoint a = actual.checkpoint(0, 1, 0, ShardHistories.T0, 0);
    ShardCheckpoint e = expected.checkpoint(0, 1, 0, ShardHistories.T0, 0);
    assertThat(a).isEqualTo(e);
    assertThat(actual.runningIds()).containsExactlyInAnyOrderElementsOf(expected.runningIds());
    expected
        .runningIds()
        .forEach(id -> assertThat(actual.running(id)).isEqualTo(expected.running(id)));
    for (String task : taskIds) {
      assertThat(actual.isStarted(task)).as(task).isEqualTo(expected.isStarted(task));
    }
    assertThat(actual.escrow().available("acme")).isEqualTo(expected.escrow().available("acme"));
  }

  @Test
  void aCheckpointPlusItsTailFoldsToTheStateOfTheWholeLog() {
    qt().withFixedSeed(20261207L)
        .withExamples(400)
        .forAll(CHOICES, integers().between(0, 200), integers().between(1, 4_000))
        .checkAssert(
            (choices, cut, partBytes) -> {
              List<ShardHistories.Step> history = ShardHistories.of(choices);
              int k = Math.min(cut, history.size());
              ShardSagas whole = empty();
              run(whole, history);

              ShardSagas before = empty();
              run(before, history.subList(0, k));
              ShardCheckpoint checkpoint = before.checkpoint(0, 1, 7, ShardHistories.T0, k);
              ShardCheckpoint read = ShardCheckpoint.join(checkpoint.split(partBytes));
              ShardSagas after =
                  ShardSagas.restore(read, RETENTION, new TenantEscrow(BUDGETS, 0, 1));
              run(after, history.subList(k, history.size()));

              assertSameState(
                  after, whole, IntStream.range(0, choices.size()).mapToObj(i -> "t" + i).toList());
            });
  }

  @Test
  void aCheckpointIsRestoredAsItWasTaken() {
    qt().withFixedSeed(7L)
        .withExamples(200)
        .forAll(CHOICES)
        .checkAssert(
            choices -> {
              ShardSagas sagas = empty();
              run(sagas, ShardHistories.of(choices));
              ShardCheckpoint checkpoint = sagas.checkpoint(0, 1, 3, ShardHistories.T0, 42);
              ShardSagas restored =
                  ShardSagas.restore(checkpoint, RETENTION, new TenantEscrow(BUDGETS, 0, 1));
              assertThat(restored.checkpoint(0, 1, 3, ShardHistories.T0, 42)).isEqualTo(checkpoint);
              assertThat(restored.size()).isEqualTo(sagas.size());
              sagas
                  .runningIds()
                  .forEach(id -> assertThat(restored.isStarted(SagaIds.taskIdOf(id))).isTrue());
            });
  }
}
