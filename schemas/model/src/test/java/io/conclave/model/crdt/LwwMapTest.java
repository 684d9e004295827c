package io.conclave.model.crdt;

import static io.conclave.model.crdt.Histories.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.conclave.model.crdt.Histories.Delivery;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LwwMap}: the {@link CrdtContract} laws; per key, the write (put or remove) with the
 * greatest stamp wins whatever the order of the merges; puts and removes one after another act as
 * on a plain map.
 */
class LwwMapTest extends CrdtContract<LwwMap> {
  private static final List<String> KEYS = List.of("title", "summary", "status");

  @Override
  LwwMap empty() {
    return LwwMap.EMPTY;
  }

  @Override
  LwwMap update(Histories.Replica<LwwMap> replica, Random random) {
    String key = KEYS.get(random.nextInt(KEYS.size()));
    return random.nextInt(4) == 0
        ? replica.view.remove(key, replica.clock.now(), replica.id)
        : replica.view.put(key, "v" + random.nextInt(5), replica.clock.now(), replica.id);
  }

  @Test
  void perKeyTheWriteWithTheGreatestStampWinsInAnyOrder() {
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS, DELIVERIES)
        .checkAssert(
            (seed, steps, delivery) -> {
              // given
              Random random = new Random(seed);
              List<LwwMap> writes = history(random, steps, delivery).deltas();

              // when
              LwwMap merged = Histories.fold(LwwMap.EMPTY, Histories.redelivered(writes, random));

              // then
              for (String key : KEYS) {
                LwwRegister greatest =
                    writes.stream()
                        .map(w -> w.register(key))
                        .filter(r -> r.stamp().isPresent())
                        .max(Comparator.comparing(r -> r.stamp().orElseThrow()))
                        .orElse(LwwRegister.EMPTY);
                assertThat(merged.register(key)).as(key).isEqualTo(greatest);
              }
            });
  }

  @Test
  void writesOneAfterAnotherActAsOnAPlainMap() {
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS)
        .checkAssert(
            (seed, steps) -> {
              // given: replicas that see (and show their clocks) every write before they write
              Map<String, String> plain = new HashMap<>();
              var history =
                  Histories.run(
                      LwwMap.EMPTY,
                      steps,
                      Delivery.ALL,
                      new Random(seed),
                      (replica, r) -> {
                        LwwMap write = update(replica, r);
                        write
                            .entries()
                            .forEach(
                                (key, register) ->
                                    register
                                        .value()
                                        .ifPresentOrElse(
                                            v -> plain.put(key, v), () -> plain.remove(key)));
                        return write;
                      });

              // then
              assertThat(Histories.fold(LwwMap.EMPTY, history.deltas()).value()).isEqualTo(plain);
            });
  }

  @Test
  void aRemovalIsATombstoneThatALaterPutOverrides() {
    // given
    LwwMap view = LwwMap.EMPTY.put("title", "CRDTs", new Hlc(START, 0), "alpha-0");
    LwwMap removal = view.remove("title", new Hlc(START + 1, 0), "beta-1");
    LwwMap earlierPut = LwwMap.EMPTY.put("title", "late", new Hlc(START, 1), "gamma-2");
    LwwMap laterPut = LwwMap.EMPTY.put("title", "back", new Hlc(START + 2, 0), "gamma-2");

    // then
    LwwMap removed = view.merge(removal).merge(earlierPut);
    assertThat(removed.value()).isEmpty();
    assertThat(removed.get("title")).isEmpty();
    assertThat(removed.replicas()).containsExactly("beta-1");
    assertThat(removed.merge(laterPut).value()).isEqualTo(Map.of("title", "back"));
  }

  @Test
  void aWriteIsCheckedAgainstTheKeysCurrentWrite() {
    LwwMap view = LwwMap.EMPTY.put("title", "CRDTs", new Hlc(START, 5), "alpha-0");

    assertThatThrownBy(() -> view.put("title", "older", new Hlc(START, 4), "alpha-0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would lose");
    assertThat(view.put("summary", "other key", new Hlc(START, 4), "alpha-0").value())
        .isEqualTo(Map.of("summary", "other key"));
  }
}
