package io.conclave.projections.knowledge;

import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.Hlc;
import io.conclave.model.crdt.HybridClock;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.crdt.LwwMap;
import io.conclave.model.crdt.LwwRegister;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.crdt.Stamp;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.KnowledgeState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Agents updating one knowledge key concurrently, as workers do: each replica makes a delta with
 * the type's mutator on its own view, merges it into the view and publishes it; now and then it
 * merges a delta another replica published (late, maybe twice). A delta's time is its replica's
 * clock: the replicas' clocks are a little apart and time moves in coarse ticks, so deltas of
 * several replicas (and several of one) often share a time, and publish order is not time order.
 */
final class KnowledgeHistories {
  static final List<String> REPLICAS = List.of("alpha-0", "beta-1", "gamma-2");
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<String> ELEMENTS =
      List.of("kafka", "crdt", "raft", "paxos", "saga", "lww");
  private static final List<String> FIELDS = List.of("title", "owner", "status", "summary");

  private KnowledgeHistories() {}

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private long millis;

    TestClock(long millis) {
      this.millis = millis;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  private static final class Replica {
    final String id;
    final long skew;
    final TestClock physical = new TestClock(0);
    final HybridClock clock = new HybridClock(physical);
    Crdt view;
    long sequence;

    Replica(String id, long skew, Crdt view) {
      this.id = id;
      this.skew = skew;
      this.view = view;
    }

    void receive(Crdt delta) {
      view = view.merge(delta);
      latest(delta).ifPresent(clock::update);
    }
  }

  /**
   * The deltas of {@code steps} updates of {@code key}, in the order they were published.
   *
   * @param tick the unit of time: the clock moves 0 to 4 ticks a step, and replicas are up to 2
   *     ticks apart
   */
  static List<KnowledgeDelta> run(
      String key, KnowledgeType type, int steps, Duration tick, Random random) {
    long unit = tick.toMillis();
    List<Replica> replicas = new ArrayList<>();
    for (String id : REPLICAS) {
      replicas.add(new Replica(id, (random.nextInt(5) - 2) * unit, type.empty()));
    }
    List<KnowledgeDelta> published = new ArrayList<>();
    long now = START.toEpochMilli();
    for (int step = 0; step < steps; step++) {
      now += random.nextInt(5) * unit;
      for (Replica r : replicas) {
        r.physical.millis = now + r.skew;
      }
      Replica replica = replicas.get(random.nextInt(replicas.size()));
      if (!published.isEmpty() && random.nextInt(2) == 0) {
        replica.receive(published.get(random.nextInt(published.size())).delta());
      }
      Crdt delta = update(type, replica, random);
      replica.view = replica.view.merge(delta);
      published.add(
          new KnowledgeDelta(
              key,
              replica.id,
              replica.sequence++,
              Optional.empty(),
              Instant.ofEpochMilli(replica.physical.millis),
              delta));
    }
    return List.copyOf(published);
  }

  private static Crdt update(KnowledgeType type, Replica r, Random random) {
    return switch (type) {
      case G_COUNTER -> ((GCounter) r.view).increment(r.id, 1 + random.nextInt(5));
      case PN_COUNTER ->
          random.nextBoolean()
              ? ((PNCounter) r.view).increment(r.id, 1 + random.nextInt(5))
              : ((PNCounter) r.view).decrement(r.id, 1 + random.nextInt(5));
      case OR_SET -> {
        OrSet set = (OrSet) r.view;
        if (!set.value().isEmpty() && random.nextInt(5) < 2) {
          List<String> present = new ArrayList<>(set.value());
          yield set.remove(present.get(random.nextInt(present.size())));
        }
        yield set.add(r.id, ELEMENTS.get(random.nextInt(ELEMENTS.size())));
      }
      case LWW_REGISTER ->
          random.nextInt(5) == 0
              ? ((LwwRegister) r.view).clear(r.clock.now(), r.id)
              : ((LwwRegister) r.view).set("draft " + random.nextInt(10), r.clock.now(), r.id);
      case LWW_MAP -> {
        String field = FIELDS.get(random.nextInt(FIELDS.size()));
        yield random.nextInt(4) == 0
            ? ((LwwMap) r.view).remove(field, r.clock.now(), r.id)
            : ((LwwMap) r.view).put(field, "value " + random.nextInt(10), r.clock.now(), r.id);
      }
    };
  }

  /** The latest clock in a state's last-writer-wins writes. */
  private static Optional<Hlc> latest(Crdt crdt) {
    Stream<LwwRegister> registers =
        crdt instanceof LwwRegister r
            ? Stream.of(r)
            : crdt instanceof LwwMap m ? m.entries().values().stream() : Stream.empty();
    return registers
        .flatMap(r -> r.stamp().stream())
        .map(Stamp::hlc)
        .max(Comparator.naturalOrder());
  }

  /** The deltas as redelivery may bring them: each one to three times, in a random order. */
  static <T> List<T> redelivered(List<T> deltas, Random random) {
    List<T> copies = new ArrayList<>();
    deltas.forEach(d -> copies.addAll(Collections.nCopies(1 + random.nextInt(3), d)));
    Collections.shuffle(copies, random);
    return copies;
  }

  /**
   * Several keys' histories as one stream: each key's deltas in their order, the keys interleaved
   * at random.
   */
  static List<KnowledgeDelta> interleaved(List<List<KnowledgeDelta>> histories, Random random) {
    List<List<KnowledgeDelta>> left = new ArrayList<>();
    histories.forEach(h -> left.add(new ArrayList<>(h)));
    List<KnowledgeDelta> out = new ArrayList<>();
    left.removeIf(List::isEmpty);
    while (!left.isEmpty()) {
      List<KnowledgeDelta> next = left.get(random.nextInt(left.size()));
      out.add(next.remove(0));
      left.removeIf(List::isEmpty);
    }
    return out;
  }

  /**
   * What the stores must hold for the key of {@code received} (the delta records merged,
   * redeliveries included) as of {@code t}: the merge of the deltas made at or before t, the newest
   * such time, and how many records; empty if none.
   */
  static Optional<KnowledgeState> expected(List<KnowledgeDelta> received, Instant t) {
    // computed apart from KnowledgeState.merge, which is under test
    Crdt crdt = null;
    Instant newest = null;
    long count = 0;
    for (KnowledgeDelta d : received) {
      if (!d.at().isAfter(t)) {
        crdt = crdt == null ? d.delta() : crdt.merge(d.delta());
        newest = newest == null || d.at().isAfter(newest) ? d.at() : newest;
        count++;
      }
    }
    return count == 0 ? Optional.empty() : Optional.of(new KnowledgeState(crdt, newest, count));
  }
}
