package io.conclave.model.crdt;

import static io.conclave.model.crdt.Histories.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HybridClock}, on a physical clock moved by hand: every timestamp is after every one the
 * clock returned or was shown, and no further ahead than the latest of those and the physical time.
 * The property draws its moves from a {@link Random} built from a generated seed, so a failure
 * reports the seed and number of steps that replay it.
 */
class HybridClockTest {

  @Test
  void everyTimestampIsAfterAllItReturnedOrSawAndNoFurther() {
    qt().withExamples(500)
        .forAll(longs().all(), integers().between(0, 60))
        .checkAssert(
            (seed, steps) -> {
              // given
              Random random = new Random(seed);
              ManualClock physical = new ManualClock(START);
              HybridClock clock = new HybridClock(physical);
              Hlc latest = Hlc.ZERO;

              for (int step = 0; step < steps; step++) {
                // when: physical time moves either way; the clock stamps a write or is shown a
                // remote stamp near its time
                physical.advance(random.nextInt(7) - 3);
                Hlc next;
                if (random.nextBoolean()) {
                  next = clock.now();
                } else {
                  Hlc remote =
                      new Hlc(physical.millis() + random.nextInt(11) - 5, random.nextInt(4));
                  next = clock.update(remote);
                  latest = remote.compareTo(latest) > 0 ? remote : latest;
                }

                // then
                assertThat(next).isGreaterThan(latest);
                assertThat(next.millis()).isEqualTo(Math.max(physical.millis(), latest.millis()));
                latest = next;
              }
            });
  }

  @Test
  void theCounterOrdersStampsWhilePhysicalTimeStandsStillOrGoesBack() {
    ManualClock physical = new ManualClock(START);
    HybridClock clock = new HybridClock(physical);

    assertThat(clock.now()).isEqualTo(new Hlc(START, 0));
    assertThat(clock.now()).isEqualTo(new Hlc(START, 1));
    physical.advance(-10);
    assertThat(clock.now()).isEqualTo(new Hlc(START, 2));
    physical.advance(11);
    assertThat(clock.now()).isEqualTo(new Hlc(START + 1, 0));
  }

  @Test
  void aRemoteStampAheadCarriesTheClockForward() {
    HybridClock clock = new HybridClock(new ManualClock(START));

    assertThat(clock.update(new Hlc(START + 500, 7))).isEqualTo(new Hlc(START + 500, 8));
    assertThat(clock.now()).isEqualTo(new Hlc(START + 500, 9));
    assertThat(clock.update(new Hlc(START, 0))).isEqualTo(new Hlc(START + 500, 10));
  }
}
