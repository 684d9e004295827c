package io.conclave.model.crdt;

import io.conclave.model.crdt.Histories.Delivery;
import io.conclave.model.crdt.Histories.History;
import java.util.List;
import java.util.Random;
import org.quicktheories.core.Gen;

/**
 * Generated states and deltas of each CRDT type, from the histories its {@link CrdtContract} test
 * runs (replicas updating one key concurrently, {@link Histories}), for the tests of the encodings
 * of CRDT state elsewhere (the wire format's). A sample names the seed, the number of steps and the
 * delivery that replay it.
 */
public final class CrdtSamples {
  private CrdtSamples() {}

  /**
   * One history of a type.
   *
   * @param state a state some replica could hold: the join of some of the deltas
   * @param deltas the deltas of the history, in the order they were published
   * @param inOrder the join of every delta, in that order
   * @param shuffled the join of every delta, in another order: equal to {@code inOrder}
   */
  public record Sample(
      long seed,
      int steps,
      String delivery,
      Crdt state,
      List<Crdt> deltas,
      Crdt inOrder,
      Crdt shuffled) {}

  /** Samples of {@code type}, as many as a {@link CrdtContract} property tries. */
  public static Gen<Sample> of(KnowledgeType type) {
    CrdtContract<?> contract = contract(type);
    return CrdtContract.SEEDS.zip(
        CrdtContract.STEPS,
        CrdtContract.DELIVERIES,
        (seed, steps, delivery) -> sample(contract, seed, steps, delivery));
  }

  /** How many examples a property over {@link #of} should try: as many as the laws get. */
  public static int tries() {
    return CrdtContract.TRIES;
  }

  private static CrdtContract<?> contract(KnowledgeType type) {
    return switch (type) {
      case G_COUNTER -> new GCounterTest();
      case PN_COUNTER -> new PNCounterTest();
      case OR_SET -> new OrSetTest();
      case LWW_REGISTER -> new LwwRegisterTest();
      case LWW_MAP -> new LwwMapTest();
    };
  }

  private static <T extends Crdt> Sample sample(
      CrdtContract<T> contract, long seed, int steps, Delivery delivery) {
    Random random = new Random(seed);
    History<T> history = contract.history(random, steps, delivery);
    List<T> deltas = history.deltas();
    T state = Histories.joinOfSome(contract.empty(), deltas, random);
    T shuffled = Histories.fold(contract.empty(), Histories.shuffled(deltas, random));
    return new Sample(
        seed,
        steps,
        delivery.name(),
        state,
        List.copyOf(deltas),
        Histories.fold(contract.empty(), deltas),
        shuffled);
  }
}
