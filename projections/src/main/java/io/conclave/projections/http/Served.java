package io.conclave.projections.http;

import java.util.Objects;
import java.util.Set;

/**
 * What one instance read of its own partitions of a store for a listing, and which partitions those
 * were: a listing that fans out to every instance checks these against the partitions the group
 * assigned each instance ({@link FanOut}). Immutable.
 *
 * @param <P> the page: knowledge entries, saga summaries
 */
public record Served<P>(P page, Set<Integer> partitions) {
  public Served {
    Objects.requireNonNull(page, "page");
    partitions = Set.copyOf(partitions);
  }
}
