package io.conclave.model.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.conclave.model.crdt.Histories.Delivery;
import io.conclave.model.crdt.Histories.History;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The laws every {@link Crdt} type obeys, checked on the states and deltas of replicas updating one
 * key concurrently ({@link Histories}), whichever deltas each replica sees: merge is a join
 * (commutative, associative, idempotent, the empty value its identity), so a delta applied twice
 * counts once and any order and duplication of the deltas converges; merging another type is an
 * error. Each type's test extends this with the updates its replicas make, and checks what the type
 * means. The same histories feed the tests of the encodings of CRDT state in the wire format
 * ({@link CrdtSamples}).
 *
 * <p>Generated with QuickTheories: a history is driven by a {@link Random} built in the property
 * from a generated seed, so a failure reports the seed, the number of steps and the delivery that
 * replay it, and shrinking lowers the steps.
 */
abstract class CrdtContract<T extends Crdt> {
  static final int TRIES = 300;
  static final Gen<Long> SEEDS = longs().all();
  static final Gen<Integer> STEPS = integers().between(0, 40);
  static final Gen<Delivery> DELIVERIES = arbitrary().enumValues(Delivery.class);

  abstract T empty();

  /** One update a replica may make on its view, chosen at random. */
  abstract T update(Histories.Replica<T> replica, Random random);

  final History<T> history(Random random, int steps, Delivery delivery) {
    return Histories.run(empty(), steps, delivery, random, this::update);
  }

  /**
   * Checks {@code check} on generated histories of {@code steps} updates: it gets the history and
   * the {@link Random} that drove it, to draw the rest of the example from, so that the example
   * replays from what a failure reports.
   */
  final void forAllHistories(Gen<Integer> steps, BiConsumer<Random, History<T>> check) {
    qt().withExamples(TRIES)
        .forAll(SEEDS, steps, DELIVERIES)
        .checkAssert(
            (seed, n, delivery) -> {
              Random random = new Random(seed);
              check.accept(random, history(random, n, delivery));
            });
  }

  @Test
  void mergeIsCommutativeAssociativeAndIdempotent() {
    forAllHistories(
        STEPS,
        (random, history) -> {
          // given: three states of the key, each having seen some of its deltas
          List<T> deltas = history.deltas();
          T a = Histories.joinOfSome(empty(), deltas, random);
          T b = Histories.joinOfSome(empty(), deltas, random);
          T c = Histories.joinOfSome(empty(), deltas, random);

          // then
          assertThat(a.merge(b)).isEqualTo(b.merge(a));
          assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
          assertThat(a.merge(a)).isEqualTo(a);
          assertThat(a.merge(empty())).isEqualTo(a);
          assertThat(empty().merge(a)).isEqualTo(a);
        });
  }

  @Test
  void applyingADeltaTwiceEqualsApplyingItOnce() {
    forAllHistories(
        integers().between(1, 40),
        (random, history) -> {
          // given: a state, one of the key's deltas, and some other state of the key
          List<T> deltas = history.deltas();
          T state = Histories.joinOfSome(empty(), deltas, random);
          T delta = deltas.get(random.nextInt(deltas.size()));
          T other = Histories.joinOfSome(empty(), deltas, random);

          // when
          T once = Histories.join(state, delta);

          // then: again at once, or after other updates
          assertThat(once.merge(delta)).isEqualTo(once);
          assertThat(once.merge(other).merge(delta)).isEqualTo(once.merge(other));
        });
  }

  @Test
  void everyOrderAndDuplicationOfTheDeltasConverges() {
    forAllHistories(
        STEPS,
        (random, history) -> {
          // given
          T inOrder = Histories.fold(empty(), history.deltas());

          // when: the deltas come shuffled, some of them two or three times
          T redelivered = Histories.fold(empty(), Histories.redelivered(history.deltas(), random));

          // then: the same state, which every replica also reaches once it has merged them all
          assertThat(redelivered).isEqualTo(inOrder);
          for (Histories.Replica<T> replica : history.replicas()) {
            assertThat(Histories.fold(replica.view, history.deltas()))
                .as(replica.id)
                .isEqualTo(inOrder);
          }
        });
  }

  @Test
  void mergingAnotherTypeIsRejected() {
    KnowledgeType mine = empty().type();
    for (KnowledgeType other : KnowledgeType.values()) {
      if (other != mine) {
        assertThatThrownBy(() -> empty().merge(other.empty()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(
                "cannot merge "
                    + other.id()
                    + " into "
                    + mine.id()
                    + ": a knowledge key has one type");
      }
    }
  }

  @Test
  void theEmptyValueIsTheTypesEmpty() {
    assertThat(empty().type().empty()).isSameAs(empty());
    assertThat(empty().replicas()).isEmpty();
  }
}
