package io.conclave.model.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.conclave.model.crdt.Histories.Delivery;
import io.conclave.model.crdt.Histories.History;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link OrSet}: the {@link CrdtContract} laws; an add that a concurrent remove has not seen
 * survives it; a remove removes what it has seen; every add has its own tag; updates made one after
 * another act as on a plain set; and once every delta is merged the state holds no more than a
 * counter per replica and a tag per replica per element.
 */
class OrSetTest extends CrdtContract<OrSet> {
  private static final List<String> ELEMENTS = List.of("kafka", "crdt", "saga", "agent");
  private static final Gen<Integer> WHICH = integers().between(0, ELEMENTS.size() - 1);

  @Override
  OrSet empty() {
    return OrSet.EMPTY;
  }

  @Override
  OrSet update(Histories.Replica<OrSet> replica, Random random) {
    String element = ELEMENTS.get(random.nextInt(ELEMENTS.size()));
    return random.nextBoolean()
        ? replica.view.add(replica.id, element)
        : replica.view.remove(element);
  }

  @Test
  void anAddTheRemoveHasNotSeenSurvivesIt() {
    // counted across the tries: add-wins is only exercised against a remove that removes something
    AtomicInteger tries = new AtomicInteger();
    AtomicInteger removerHadIt = new AtomicInteger();
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS, DELIVERIES, WHICH)
        .checkAssert(
            (seed, steps, delivery, which) -> {
              // given: after some history, one replica removes an element while another adds it,
              // neither seeing the other
              Random random = new Random(seed);
              History<OrSet> history = history(random, steps, delivery);
              String element = ELEMENTS.get(which);
              Histories.Replica<OrSet> remover = history.replicas().get(0);
              Histories.Replica<OrSet> adder = history.replicas().get(1);
              OrSet remove = remover.view.remove(element);
              OrSet add = adder.view.add(adder.id, element);

              // when: everything is merged, in any order, on any state of the key
              List<OrSet> all = new ArrayList<>(history.deltas());
              all.add(remove);
              all.add(add);
              OrSet everything = Histories.fold(OrSet.EMPTY, Histories.redelivered(all, random));
              OrSet some = Histories.joinOfSome(OrSet.EMPTY, history.deltas(), random);

              // then: the add wins (over a remove that removes something, in most tries)
              tries.incrementAndGet();
              if (remover.view.contains(element)) {
                removerHadIt.incrementAndGet();
              }
              assertThat(everything.contains(element)).isTrue();
              assertThat(some.merge(remove).merge(add).contains(element)).isTrue();
              assertThat(some.merge(add).merge(remove).contains(element)).isTrue();
              assertThat(remover.view.merge(remove).merge(add).contains(element)).isTrue();
            });
    assertThat(100.0 * removerHadIt.get() / tries.get())
        .as("percentage of tries where the remover had the element")
        .isGreaterThan(20);
  }

  @Test
  void aRemoveRemovesEveryAddItHasSeen() {
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS, DELIVERIES, WHICH)
        .checkAssert(
            (seed, steps, delivery, which) -> {
              // given: a state that has seen every add so far
              Random random = new Random(seed);
              History<OrSet> history = history(random, steps, delivery);
              OrSet everything = Histories.fold(OrSet.EMPTY, history.deltas());
              String element = ELEMENTS.get(which);

              // when
              OrSet remove = everything.remove(element);

              // then: gone, whatever order the deltas and the remove are merged in
              List<OrSet> all = new ArrayList<>(history.deltas());
              all.add(remove);
              assertThat(
                      Histories.fold(OrSet.EMPTY, Histories.redelivered(all, random))
                          .contains(element))
                  .isFalse();
              assertThat(everything.merge(remove).value())
                  .containsExactlyElementsOf(
                      everything.value().stream().filter(e -> !e.equals(element)).toList());
            });
  }

  @Test
  void everyAddHasItsOwnTag() {
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS, DELIVERIES)
        .checkAssert(
            (seed, steps, delivery) -> {
              // given: the replicas only ever know their own tags from their own views
              List<OrSet> deltas = history(new Random(seed), steps, delivery).deltas();

              // then
              List<Dot> tags =
                  deltas.stream()
                      .flatMap(d -> d.entries().values().stream())
                      .flatMap(Set::stream)
                      .toList();
              assertThat(tags).doesNotHaveDuplicates();
            });
  }

  @Test
  void updatesOneAfterAnotherActAsOnAPlainSet() {
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS)
        .checkAssert(
            (seed, steps) -> {
              // given: replicas that see every delta before they update
              Set<String> plain = new HashSet<>();
              var history =
                  Histories.run(
                      OrSet.EMPTY,
                      steps,
                      Delivery.ALL,
                      new Random(seed),
                      (replica, r) -> {
                        String element = ELEMENTS.get(r.nextInt(ELEMENTS.size()));
                        if (r.nextBoolean()) {
                          plain.add(element);
                          return replica.view.add(replica.id, element);
                        }
                        plain.remove(element);
                        return replica.view.remove(element);
                      });

              // then
              assertThat(Histories.fold(OrSet.EMPTY, history.deltas()).value()).isEqualTo(plain);
            });
  }

  @Test
  void onceEveryDeltaIsMergedTheStateIsSmall() {
    qt().withExamples(TRIES)
        .forAll(SEEDS, STEPS, DELIVERIES)
        .checkAssert(
            (seed, steps, delivery) -> {
              // when
              Random random = new Random(seed);
              OrSet merged =
                  Histories.fold(
                      OrSet.EMPTY,
                      Histories.redelivered(history(random, steps, delivery).deltas(), random));

              // then: removed elements leave nothing, gaps are closed, an element has a tag per
              // replica at most
              assertThat(merged.seen().cloud()).isEmpty();
              assertThat(merged.seen().versions().size())
                  .isLessThanOrEqualTo(Histories.REPLICAS.size());
              merged
                  .entries()
                  .forEach(
                      (element, tags) ->
                          assertThat(tags.stream().map(Dot::replica))
                              .as(element)
                              .doesNotHaveDuplicates());
            });
  }

  @Test
  void deltasCarryTheTagsTheyAddAndRemove() {
    // given: alpha added kafka twice (tag 2 replaced tag 1), beta added it once concurrently
    OrSet view =
        new OrSet(
            Map.of("kafka", Set.of(new Dot("alpha-0", 2), new Dot("beta-1", 1))),
            new CausalContext(Map.of("alpha-0", 2L, "beta-1", 1L), Set.of()));

    // then
    assertThat(view.add("alpha-0", "kafka"))
        .isEqualTo(
            new OrSet(
                Map.of("kafka", Set.of(new Dot("alpha-0", 3))),
                CausalContext.of(
                    Set.of(new Dot("alpha-0", 2), new Dot("alpha-0", 3), new Dot("beta-1", 1)))));
    assertThat(view.remove("kafka"))
        .isEqualTo(
            new OrSet(
                Map.of(), CausalContext.of(Set.of(new Dot("alpha-0", 2), new Dot("beta-1", 1)))));
    assertThat(view.remove("saga")).isSameAs(OrSet.EMPTY);
    assertThat(view.replicas()).containsExactly("alpha-0", "beta-1");
  }

  @Test
  void theContextKeepsOnlyTheDotsBeyondAGap() {
    CausalContext context =
        CausalContext.of(
            Set.of(
                new Dot("alpha-0", 1),
                new Dot("alpha-0", 2),
                new Dot("alpha-0", 4),
                new Dot("beta-1", 2)));

    assertThat(context.versions()).isEqualTo(Map.of("alpha-0", 2L));
    assertThat(context.cloud()).containsExactly(new Dot("alpha-0", 4), new Dot("beta-1", 2));
    assertThat(context.next("alpha-0")).isEqualTo(new Dot("alpha-0", 5));
    assertThat(context.union(CausalContext.of(Set.of(new Dot("alpha-0", 3), new Dot("beta-1", 1)))))
        .isEqualTo(new CausalContext(Map.of("alpha-0", 4L, "beta-1", 2L), Set.of()));
  }
}
