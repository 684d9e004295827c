package io.conclave.model.crdt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Replicas updating one knowledge key concurrently, each on its own view, as agents do: every
 * update is a delta made on the replica's view, merged into that view and published. The replicas'
 * physical clocks start together (so equal hybrid clocks, decided by replica id, are common) and
 * drift by -1..+2 ms a step, sometimes going back.
 */
final class Histories {
  static final List<String> REPLICAS = List.of("alpha-0", "beta-1", "gamma-2");
  static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private Histories() {}

  /** Which published deltas a replica merges into its view. */
  enum Delivery {
    /** None but its own: the agent that keeps only its own deltas. */
    OWN_ONLY,
    /** Now and then a random one, late, out of order, maybe again. */
    RANDOM,
    /**
     * All of them before each update: the updates happen one after another, as on a single copy.
     */
    ALL
  }

  /** One replica: its id, its view, and the clocks it stamps writes with. */
  static final class Replica<T extends Crdt> {
    final String id;
    final ManualClock physical = new ManualClock(START);
    final HybridClock clock = new HybridClock(physical);
    T view;

    Replica(String id, T view) {
      this.id = id;
      this.view = view;
    }

    /**
     * Merges a delta into the view, and shows the clock its stamps, as a replica must before it
     * writes again.
     */
    void receive(T delta) {
      view = join(view, delta);
      latest(delta).ifPresent(clock::update);
    }
  }

  /** One update of a replica: the delta it makes on its view. */
  @FunctionalInterface
  interface Update<T extends Crdt> {
    T delta(Replica<T> replica, Random random);
  }

  /**
   * What a run left: the deltas in the order they were published, and the replicas with their final
   * views.
   */
  record History<T extends Crdt>(List<T> deltas, List<Replica<T>> replicas) {}

  static <T extends Crdt> History<T> run(
      T empty, int steps, Delivery delivery, Random random, Update<T> update) {
    List<Replica<T>> replicas = REPLICAS.stream().map(id -> new Replica<>(id, empty)).toList();
    List<T> published = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      replicas.forEach(r -> r.physical.advance(random.nextInt(4) - 1));
      Replica<T> replica = replicas.get(random.nextInt(replicas.size()));
      if (delivery == Delivery.ALL) {
        published.forEach(replica::receive);
      } else if (delivery == Delivery.RANDOM && !published.isEmpty() && random.nextInt(3) == 0) {
        replica.receive(published.get(random.nextInt(published.size())));
        continue;
      }
      T delta = update.delta(replica, random);
      replica.view = join(replica.view, delta);
      published.add(delta);
    }
    return new History<>(List.copyOf(published), replicas);
  }

  /** {@code a.merge(b)}, typed: every CRDT's merge returns its own type. */
  @SuppressWarnings("unchecked")
  static <T extends Crdt> T join(T a, T b) {
    return (T) a.merge(b);
  }

  static <T extends Crdt> T fold(T from, List<T> deltas) {
    T state = from;
    for (T delta : deltas) {
      state = join(state, delta);
    }
    return state;
  }

  /** The state of a replica that has merged a random half of the deltas, in a random order. */
  static <T extends Crdt> T joinOfSome(T empty, List<T> deltas, Random random) {
    return fold(
        empty, shuffled(deltas.stream().filter(d -> random.nextBoolean()).toList(), random));
  }

  /** The deltas as redelivery may bring them: each one to three times, in a random order. */
  static <T extends Crdt> List<T> redelivered(List<T> deltas, Random random) {
    List<T> copies = new ArrayList<>();
    deltas.forEach(d -> copies.addAll(Collections.nCopies(1 + random.nextInt(3), d)));
    return shuffled(copies, random);
  }

  static <T> List<T> shuffled(List<T> list, Random random) {
    List<T> copy = new ArrayList<>(list);
    Collections.shuffle(copy, random);
    return copy;
  }

  /** The latest clock in a state's last-writer-wins writes. */
  static Optional<Hlc> latest(Crdt crdt) {
    Stream<LwwRegister> registers =
        crdt instanceof LwwRegister r
            ? Stream.of(r)
            : crdt instanceof LwwMap m ? m.entries().values().stream() : Stream.empty();
    return registers
        .flatMap(r -> r.stamp().stream())
        .map(Stamp::hlc)
        .max(Comparator.naturalOrder());
  }
}
