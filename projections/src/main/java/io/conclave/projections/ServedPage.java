package io.conclave.projections;

import java.util.Objects;
import java.util.Set;

/**
 * The page of one instance's local store, and the partitions it read: a listing that fans out to every instance
 * checks these against the partitions the group assigned each instance ({@link KnowledgeFanOut}). Immutable.
 */
record ServedPage(KnowledgePage page, Set<Integer> partitions) {
  ServedPage {
    Objects.requireNonNull(page, "page");
    partitions = Set.copyOf(partitions);
  }
}
