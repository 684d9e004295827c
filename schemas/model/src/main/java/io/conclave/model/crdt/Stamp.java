package io.conclave.model.crdt;

import java.util.Comparator;

/**
 * When and by whom a last-writer-wins write was made, and the order in which such writes win: by
 * {@link Hlc}, and between equal clocks by replica id, the greater id (in {@link String#compareTo}
 * order) winning. A replica never stamps two writes with one {@link Hlc} (its {@link HybridClock}
 * only moves forward), so stamps are unique and the order is total. Immutable.
 *
 * @param hlc the writer's clock when it wrote
 * @param replica the writer
 */
public record Stamp(Hlc hlc, String replica) implements Comparable<Stamp> {
  private static final Comparator<Stamp> ORDER =
      Comparator.comparing(Stamp::hlc).thenComparing(Stamp::replica);

  public Stamp {
    Checks.present(hlc, "hlc");
    Checks.replica(replica);
  }

  @Override
  public int compareTo(Stamp other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return hlc + "@" + replica;
  }
}
