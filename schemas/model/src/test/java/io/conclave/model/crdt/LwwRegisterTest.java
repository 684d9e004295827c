package io.conclave.model.crdt;

import static io.conclave.model.crdt.Histories.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.conclave.model.crdt.Histories.Delivery;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link LwwRegister}: the {@link CrdtContract} laws; the write with the greatest (hlc, replica)
 * stamp wins whatever the order of the merges, equal clocks going to the greater replica id; writes
 * one after another keep the last.
 */
class LwwRegisterTest extends CrdtContract<LwwRegister> {

  @Override
  LwwRegister empty() {
    return LwwRegister.EMPTY;
  }

  @Override
  LwwRegister update(Histories.Replica<LwwRegister> replica, Random random) {
    return random.nextInt(4) == 0
        ? replica.view.clear(replica.clock.now(), replica.id)
        : replica.view.set("draft " + random.nextInt(5), replica.clock.now(), replica.id);
  }

  @Test
  void theWriteWithTheGreatestStampWinsInAnyOrder() {
    // counted across the tries: the replica-id tie-break is only exercised if equal clocks are
    // common
    AtomicInteger tries = new AtomicInteger();
    AtomicInteger withEqualClocks = new AtomicInteger();
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS, DELIVERIES)
        .checkAssert(
            (seed, steps, delivery) -> {
              // given
              Random random = new Random(seed);
              List<LwwRegister> writes = history(random, steps, delivery).deltas();
              LwwRegister greatest =
                  writes.stream()
                      .max(Comparator.comparing(w -> w.stamp().orElseThrow()))
                      .orElse(LwwRegister.EMPTY);

              // when / then
              tries.incrementAndGet();
              if (writes.stream().map(w -> w.stamp().orElseThrow().hlc()).distinct().count()
                  < writes.size()) {
                withEqualClocks.incrementAndGet();
              }
              assertThat(Histories.fold(LwwRegister.EMPTY, Histories.redelivered(writes, random)))
                  .isEqualTo(greatest);
            });
    assertThat(100.0 * withEqualClocks.get() / tries.get())
        .as("percentage of tries with two writes with equal clocks")
        .isGreaterThan(20);
  }

  @Test
  void writesOneAfterAnotherKeepTheLast() {
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS)
        .checkAssert(
            (seed, steps) -> {
              // given: replicas that see (and show their clocks) every write before they write
              AtomicReference<Optional<String>> last = new AtomicReference<>(Optional.empty());
              var history =
                  Histories.run(
                      LwwRegister.EMPTY,
                      steps,
                      Delivery.ALL,
                      new Random(seed),
                      (replica, r) -> {
                        LwwRegister write = update(replica, r);
                        last.set(write.value());
                        return write;
                      });

              // then: however skewed their physical clocks
              assertThat(Histories.fold(LwwRegister.EMPTY, history.deltas()).value())
                  .isEqualTo(last.get());
            });
  }

  @Test
  void equalClocksGoToTheGreaterReplicaId() {
    Hlc now = new Hlc(START, 0);
    LwwRegister alpha = LwwRegister.EMPTY.set("from alpha", now, "alpha-0");
    LwwRegister beta = LwwRegister.EMPTY.set("from beta", now, "beta-1");

    assertThat(alpha.merge(beta)).isEqualTo(beta);
    assertThat(beta.merge(alpha)).isEqualTo(beta);
    assertThat(beta.replicas()).containsExactly("beta-1");
  }

  @Test
  void aWriteThatWouldLoseToTheOneItReplacesIsRejected() {
    LwwRegister view = LwwRegister.EMPTY.set("draft 1", new Hlc(START, 3), "beta-1");

    assertThatThrownBy(() -> view.set("draft 2", new Hlc(START, 3), "alpha-0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a write stamped "
                + START
                + ".3@alpha-0 would lose to the write stamped "
                + START
                + ".3@beta-1 it replaces; update the clock with the state's stamps before writing");
    assertThat(view.clear(new Hlc(START, 3), "gamma-2").value()).isEmpty();
  }

  @Test
  void aClockShownTheStateWritesAfterIt() {
    // given: a view holding a write from a replica whose clock runs an hour ahead
    LwwRegister view =
        LwwRegister.EMPTY.set("from the future", new Hlc(START + 3_600_000, 0), "beta-1");
    HybridClock clock = new HybridClock(new ManualClock(START));

    // when
    view.stamp().ifPresent(s -> clock.update(s.hlc()));
    LwwRegister write = view.set("now", clock.now(), "alpha-0");

    // then
    assertThat(view.merge(write).value()).contains("now");
  }
}
