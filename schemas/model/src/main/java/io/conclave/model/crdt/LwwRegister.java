package io.conclave.model.crdt;

import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * Last-writer-wins register of a string: the write with the greatest {@link Stamp} (hybrid logical
 * clock, then replica id) wins, whatever order writes arrive in. A write may also clear the value.
 * Size: one write.
 *
 * <p>Immutable and thread-safe; see {@link Crdt} for the merge laws.
 *
 * @param value the winning write's value; empty if nothing was written or the winning write cleared
 *     it
 * @param stamp the winning write's stamp; empty only for {@link #EMPTY}, the register nobody wrote
 */
public record LwwRegister(Optional<String> value, Optional<Stamp> stamp) implements Crdt {
  public static final LwwRegister EMPTY = new LwwRegister(Optional.empty(), Optional.empty());

  private static final Comparator<LwwRegister> ORDER =
      Comparator.comparing(
              (LwwRegister r) -> r.stamp.orElse(null),
              Comparator.nullsFirst(Comparator.naturalOrder()))
          // stamps are unique, so only a broken writer reaches this; still merge must stay a join
          // (total order)
          .thenComparing(
              r -> r.value.orElse(null), Comparator.nullsFirst(Comparator.naturalOrder()));

  public LwwRegister {
    Checks.present(value, "value");
    Checks.present(stamp, "stamp");
    if (value.isPresent() && stamp.isEmpty()) {
      throw new IllegalArgumentException("a register with a value must have a stamp");
    }
  }

  /**
   * The delta of writing {@code value} at {@code hlc} on {@code replica}: the register holding that
   * write. Take {@code hlc} from the replica's {@link HybridClock}.
   *
   * @throws IllegalArgumentException if the write's stamp is not after this state's: it would lose
   *     to the write it means to replace, because the clock has not been shown that write ({@link
   *     HybridClock#update})
   */
  public LwwRegister set(String value, Hlc hlc, String replica) {
    return write(Optional.of(Checks.present(value, "value")), hlc, replica);
  }

  /**
   * The delta of clearing the value at {@code hlc} on {@code replica}: the register holding that
   * write, with no value.
   *
   * @throws IllegalArgumentException as {@link #set} does
   */
  public LwwRegister clear(Hlc hlc, String replica) {
    return write(Optional.empty(), hlc, replica);
  }

  private LwwRegister write(Optional<String> newValue, Hlc hlc, String replica) {
    Stamp next = new Stamp(hlc, replica);
    if (stamp.isPresent() && next.compareTo(stamp.get()) <= 0) {
      throw new IllegalArgumentException(
          "a write stamped "
              + next
              + " would lose to the write stamped "
              + stamp.get()
              + " it replaces; update the clock with the state's stamps before writing");
    }
    return new LwwRegister(newValue, Optional.of(next));
  }

  @Override
  public KnowledgeType type() {
    return KnowledgeType.LWW_REGISTER;
  }

  @Override
  public LwwRegister merge(Crdt other) {
    LwwRegister o = Checks.sameType(this, other);
    return ORDER.compare(this, o) >= 0 ? this : o;
  }

  /** The replica of the winning write, if any. */
  @Override
  public Set<String> replicas() {
    return stamp.map(s -> Set.of(s.replica())).orElse(Set.of());
  }
}
