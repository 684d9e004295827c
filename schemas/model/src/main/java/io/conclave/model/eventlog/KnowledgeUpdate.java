package io.conclave.model.eventlog;

import io.conclave.model.Require;
import io.conclave.model.crdt.Crdt;

/**
 * The update of shared knowledge a {@value #KIND} decision records: a delta-state CRDT for one
 * knowledge key, merged into the key's state. It travels with the decision as typed data, so the
 * log holds the update itself, not a text that would have to be parsed back.
 *
 * <p>Immutable and thread-safe; no nulls.
 *
 * @param key the knowledge key: 1 to {@value #MAX_KEY_LENGTH} letters, digits, '-', '_' or '.'
 * @param delta the update; a key keeps the type of its first update
 */
public record KnowledgeUpdate(String key, Crdt delta) {
  /** The kind of the decisions that record a knowledge update, and only of those. */
  public static final String KIND = "KNOWLEDGE";

  /** The longest knowledge key: room for an identifier (up to 128) with a prefix and a suffix. */
  public static final int MAX_KEY_LENGTH = 200;

  public KnowledgeUpdate {
    key(key);
    Require.present(delta, "delta");
  }

  /**
   * Checks a knowledge key.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static String key(String key) {
    return Require.id(key, "knowledge key", MAX_KEY_LENGTH);
  }
}
