package io.conclave.model.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link GCounter}: the {@link CrdtContract} laws, and a counter counts every increment once. */
class GCounterTest extends CrdtContract<GCounter> {

  @Override
  GCounter empty() {
    return GCounter.EMPTY;
  }

  @Override
  GCounter update(Histories.Replica<GCounter> replica, Random random) {
    return replica.view.increment(replica.id, random.nextInt(4));
  }

  @Test
  void theMergedCounterCountsEveryIncrementOnce() {
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS, DELIVERIES)
        .checkAssert(
            (seed, steps, delivery) -> {
              // given: replicas incrementing, each remembering what it added
              Random random = new Random(seed);
              Map<String, Long> added = new HashMap<>();
              var history =
                  Histories.run(
                      GCounter.EMPTY,
                      steps,
                      delivery,
                      random,
                      (replica, r) -> {
                        long n = r.nextInt(4);
                        added.merge(replica.id, n, Long::sum);
                        return replica.view.increment(replica.id, n);
                      });

              // when
              GCounter merged =
                  Histories.fold(GCounter.EMPTY, Histories.redelivered(history.deltas(), random));

              // then
              assertThat(merged.value())
                  .isEqualTo(added.values().stream().mapToLong(Long::longValue).sum());
              added.forEach(
                  (replica, n) -> assertThat(merged.count(replica)).as(replica).isEqualTo(n));
              assertThat(merged.replicas())
                  .containsExactlyElementsOf(
                      added.entrySet().stream()
                          .filter(e -> e.getValue() > 0)
                          .map(Map.Entry::getKey)
                          .sorted()
                          .toList());
            });
  }

  @Test
  void anIncrementsDeltaIsTheReplicasNewCount() {
    GCounter view = new GCounter(Map.of("alpha-0", 3L, "beta-1", 5L));

    assertThat(view.increment("alpha-0", 2)).isEqualTo(new GCounter(Map.of("alpha-0", 5L)));
    assertThat(view.increment("gamma-2", 1)).isEqualTo(new GCounter(Map.of("gamma-2", 1L)));
    assertThat(view.increment("alpha-0", 0)).isSameAs(GCounter.EMPTY);
    assertThat(view.merge(view.increment("alpha-0", 2)).value()).isEqualTo(10);
  }

  @Test
  void aCounterCannotGoDown() {
    assertThatThrownBy(() -> GCounter.EMPTY.increment("alpha-0", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a g-counter cannot go down: increment by -1");
    assertThatThrownBy(() -> new GCounter(Map.of("alpha-0", -1L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count of alpha-0 must be >= 0, was -1");
  }

  @Test
  void zeroCountsAreLeftOutSoEqualCountersAreEqual() {
    assertThat(new GCounter(Map.of("alpha-0", 0L))).isEqualTo(GCounter.EMPTY);
  }

  @Test
  void overflowIsAnErrorNotAWrongCount() {
    GCounter full = new GCounter(Map.of("alpha-0", Long.MAX_VALUE));

    assertThatThrownBy(() -> full.increment("alpha-0", 1)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> full.merge(new GCounter(Map.of("beta-1", 1L))).value())
        .isInstanceOf(ArithmeticException.class);
  }
}
