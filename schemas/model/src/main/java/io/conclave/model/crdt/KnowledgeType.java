package io.conclave.model.crdt;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The kinds of shared knowledge: one per {@link Crdt} type, named by its {@link #id()} on the wire
 * and over HTTP.
 */
public enum KnowledgeType {
  G_COUNTER("g-counter"),
  PN_COUNTER("pn-counter"),
  OR_SET("or-set"),
  LWW_REGISTER("lww-register"),
  LWW_MAP("lww-map");

  private final String id;

  KnowledgeType(String id) {
    this.id = id;
  }

  /**
   * The name of the type in the {@code type} field of a state's JSON (the HTTP API's), e.g. {@code
   * or-set}.
   */
  public String id() {
    return id;
  }

  /**
   * The type named {@code id}.
   *
   * @throws IllegalArgumentException if no type has that id
   */
  public static KnowledgeType of(String id) {
    for (KnowledgeType t : values()) {
      if (t.id.equals(id)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown knowledge type '"
            + id
            + "'; known: "
            + Arrays.stream(values()).map(KnowledgeType::id).collect(Collectors.joining(", ")));
  }

  /** The value of this type before any update: the identity of {@link Crdt#merge}. */
  public Crdt empty() {
    return switch (this) {
      case G_COUNTER -> GCounter.EMPTY;
      case PN_COUNTER -> PNCounter.EMPTY;
      case OR_SET -> OrSet.EMPTY;
      case LWW_REGISTER -> LwwRegister.EMPTY;
      case LWW_MAP -> LwwMap.EMPTY;
    };
  }

  @Override
  public String toString() {
    return id;
  }
}
