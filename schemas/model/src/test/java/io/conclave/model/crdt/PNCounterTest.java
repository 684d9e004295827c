package io.conclave.model.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link PNCounter}: the {@link CrdtContract} laws, and the value is what was added minus what was
 * subtracted.
 */
class PNCounterTest extends CrdtContract<PNCounter> {

  @Override
  PNCounter empty() {
    return PNCounter.EMPTY;
  }

  @Override
  PNCounter update(Histories.Replica<PNCounter> replica, Random random) {
    return random.nextBoolean()
        ? replica.view.increment(replica.id, random.nextInt(4))
        : replica.view.decrement(replica.id, random.nextInt(4));
  }

  @Test
  void theValueIsEveryIncrementMinusEveryDecrement() {
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS, DELIVERIES)
        .checkAssert(
            (seed, steps, delivery) -> {
              // given
              Random random = new Random(seed);
              long[] total = {0};
              var updaters = new TreeSet<String>();
              var history =
                  Histories.run(
                      PNCounter.EMPTY,
                      steps,
                      delivery,
                      random,
                      (replica, r) -> {
                        int n = r.nextInt(7) - 3;
                        total[0] += n;
                        if (n != 0) {
                          updaters.add(replica.id);
                        }
                        return n >= 0
                            ? replica.view.increment(replica.id, n)
                            : replica.view.decrement(replica.id, -n);
                      });

              // when
              PNCounter merged =
                  Histories.fold(PNCounter.EMPTY, Histories.redelivered(history.deltas(), random));

              // then
              assertThat(merged.value()).isEqualTo(total[0]);
              assertThat(merged.replicas()).containsExactlyElementsOf(updaters);
            });
  }

  @Test
  void deltasTouchOnlyTheirSide() {
    PNCounter view =
        new PNCounter(new GCounter(Map.of("alpha-0", 4L)), new GCounter(Map.of("alpha-0", 1L)));

    assertThat(view.increment("alpha-0", 2))
        .isEqualTo(new PNCounter(new GCounter(Map.of("alpha-0", 6L)), GCounter.EMPTY));
    assertThat(view.decrement("alpha-0", 2))
        .isEqualTo(new PNCounter(GCounter.EMPTY, new GCounter(Map.of("alpha-0", 3L))));
    assertThat(view.merge(view.decrement("alpha-0", 5)).value()).isEqualTo(-2);
  }
}
