package io.conclave.model.crdt;

import java.util.Set;

/**
 * A state-based CRDT value: one piece of shared knowledge, as one replica (or the store) currently
 * knows it.
 *
 * <p>{@link #merge} is the join of a semilattice: {@code a.merge(b).equals(b.merge(a))}, {@code
 * a.merge(b).merge(c).equals(a.merge(b.merge(c)))} and {@code a.merge(a).equals(a)}, and the empty
 * value of the type ({@link KnowledgeType#empty()}) is its identity. A delta returned by a mutator
 * is a value like any other, so applying a delta is merging it.
 *
 * <p>Implementations are immutable records with value {@code equals}; every state has one
 * representation, so equal knowledge means equal objects, and equal bytes or text in any encoding
 * that writes maps and sets in order. They are thread-safe, and accept and return no nulls.
 */
public sealed interface Crdt permits GCounter, PNCounter, OrSet, LwwRegister, LwwMap {

  KnowledgeType type();

  /**
   * The least upper bound of this state and {@code other}: the state that has seen every update
   * either has seen. Each type narrows the result to its own type.
   *
   * @throws IllegalArgumentException if {@code other} is of another type (a knowledge key has one
   *     type)
   */
  Crdt merge(Crdt other);

  /**
   * The replica ids whose updates this state holds, in id order; each type says which ones count.
   */
  Set<String> replicas();
}
