package io.conclave.agent;

import io.conclave.model.crdt.Crdt;
import java.util.Optional;

/**
 * Knowledge an agent shares with every other agent, without coordination: counters, sets, registers
 * and maps that any agent instance may update at any time and that merge automatically (CRDTs).
 * Each update is a small delta, recorded in the agent's log and published on conclave.knowledge in
 * the step's transaction, so it lands exactly once with the step, or not at all if the attempt
 * fails. The projections merge every agent's deltas; read the merged knowledge with {@code GET
 * /knowledge/{key}}.
 *
 * <p>A key names one piece of knowledge (1 to 200 letters, digits, '-', '_' or '.'; {@code
 * project.alpha.sources}) and keeps the type of its first update: a counter, a set, a register or a
 * map. An update of another type is refused here if this agent instance used the key as another
 * type, and dead-lettered by the projections if another instance did.
 *
 * <p>Not thread-safe: it belongs to the step's thread, like {@link AgentContext}.
 */
public interface Knowledge {
  /**
   * Adds one to a counter: a grow-only counter, unless the key is a counter that goes both ways.
   */
  default void increment(String key) {
    increment(key, 1);
  }

  /**
   * Adds {@code n} to a counter: a grow-only counter, unless the key is a counter that goes both
   * ways ({@link #add}).
   *
   * @throws IllegalArgumentException if {@code n} is negative (use {@link #add} for a counter that
   *     goes down)
   */
  void increment(String key, long n);

  /** Adds {@code n}, which may be negative, to a counter that goes both ways (a PN-Counter). */
  void add(String key, long n);

  /**
   * Adds an element to a set (add-wins: an add concurrent with a remove of the element survives
   * it).
   */
  void addToSet(String key, String element);

  /**
   * Removes an element from a set: the adds of it {@link #get} shows; an add it has not seen yet
   * wins.
   */
  void removeFromSet(String key, String element);

  /**
   * Sets a register; the latest write wins (hybrid logical clock, ties broken by agent instance
   * id).
   */
  void put(String key, String value);

  /** Clears a register. */
  void clear(String key);

  /** Sets one field of a map of registers; per field, the latest write wins. */
  void put(String key, String field, String value);

  /** Removes one field of a map of registers. */
  void remove(String key, String field);

  /**
   * What this agent instance knows of the key: its own updates, this step's included, merged with
   * every other instance's that this worker has read from conclave.knowledge so far (which may lag
   * a little). Empty for a key nobody has updated yet, as far as it knows. The value is {@code
   * GCounter.value()}, {@code OrSet.value()} and so on; a remove and a write are made against this
   * view.
   */
  Optional<Crdt> get(String key);
}
