package io.conclave.model.crdt;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Map of strings to last-writer-wins registers, for structured knowledge: each key is an
 * independent {@link LwwRegister}, so concurrent writes to different keys all survive and writes to
 * one key are decided by {@link Stamp}. A removal is a write that clears the key's register (a
 * tombstone), so a put stamped after the removal brings the key back and one stamped before does
 * not.
 *
 * <p>Size: one register per key ever written, removed keys included; tombstones are never dropped,
 * since that would need every replica to have seen them (causal stability), which this type does
 * not track. Suited to knowledge with a bounded set of keys (fields of a record), not to an
 * ever-growing key space with removals.
 *
 * <p>Immutable and thread-safe; see {@link Crdt} for the merge laws.
 *
 * @param entries each key's register, all written (stamped), removed keys included, in key order
 */
public record LwwMap(Map<String, LwwRegister> entries) implements Crdt {
  public static final LwwMap EMPTY = new LwwMap(Map.of());

  public LwwMap {
    Checks.present(entries, "entries")
        .forEach(
            (key, register) -> {
              Checks.present(key, "key");
              if (Checks.present(register, "register of " + key).stamp().isEmpty()) {
                throw new IllegalArgumentException(
                    "register of '" + key + "' was never written: an unwritten key is left out");
              }
            });
    entries = Checks.sorted(entries);
  }

  /**
   * The delta of writing {@code key = value} at {@code hlc} on {@code replica}: a map of that key
   * alone.
   *
   * @throws IllegalArgumentException if the write is not after the key's current write ({@link
   *     LwwRegister#set})
   */
  public LwwMap put(String key, String value, Hlc hlc, String replica) {
    return new LwwMap(Map.of(key, register(key).set(value, hlc, replica)));
  }

  /**
   * The delta of removing {@code key} at {@code hlc} on {@code replica}: a map of that key's
   * tombstone. Made even for a key this state lacks, since another replica may have written it.
   *
   * @throws IllegalArgumentException if the write is not after the key's current write ({@link
   *     LwwRegister#clear})
   */
  public LwwMap remove(String key, Hlc hlc, String replica) {
    return new LwwMap(Map.of(key, register(key).clear(hlc, replica)));
  }

  /** The key's register; {@link LwwRegister#EMPTY} if it was never written. */
  public LwwRegister register(String key) {
    return entries.getOrDefault(Checks.present(key, "key"), LwwRegister.EMPTY);
  }

  public Optional<String> get(String key) {
    return register(key).value();
  }

  /** The present keys and their values, in key order. */
  public Map<String, String> value() {
    Map<String, String> present = new TreeMap<>();
    entries.forEach((key, register) -> register.value().ifPresent(v -> present.put(key, v)));
    return Collections.unmodifiableMap(present);
  }

  @Override
  public KnowledgeType type() {
    return KnowledgeType.LWW_MAP;
  }

  @Override
  public LwwMap merge(Crdt other) {
    LwwMap o = Checks.sameType(this, other);
    Map<String, LwwRegister> merged = new HashMap<>(entries);
    o.entries.forEach((key, register) -> merged.merge(key, register, LwwRegister::merge));
    return new LwwMap(merged);
  }

  /** The writers of the keys' winning writes, removals included. */
  @Override
  public Set<String> replicas() {
    Set<String> all = new TreeSet<>();
    entries.values().forEach(register -> all.addAll(register.replicas()));
    return Collections.unmodifiableSet(all);
  }
}
