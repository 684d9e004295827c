package io.conclave.schemas;

/**
 * How a registry-encoded payload names the schema it was written with. Both framings put the magic
 * byte 0, then the schema's id in the registry, before the Avro body; they differ in the id.
 */
enum Framing {
  /** Apicurio's own, which Conclave's serializers write: an 8-byte global id (a schema version). */
  APICURIO(Long.BYTES),

  /**
   * Confluent's, which Confluent-compatible clients of every language write: a 4-byte id, which the
   * registry's Confluent-compatible API ({@code /apis/ccompat/v7}) hands out as the schema's
   * content id.
   */
  CONFLUENT(Integer.BYTES);

  static final byte MAGIC = 0;

  private final int idBytes;

  Framing(int idBytes) {
    this.idBytes = idBytes;
  }

  /** The magic byte and the id: what comes before the Avro body. */
  int prefixLength() {
    return 1 + idBytes;
  }

  /**
   * The framing of {@code data}, which starts with the magic byte and is at least {@link
   * #CONFLUENT}'s prefix long.
   *
   * <p>Why the bytes tell them apart: the registry counts its global ids and its content ids from 1
   * up, one sequence each. An 8-byte id below 2<sup>32</sup> therefore starts with four zero bytes,
   * and a 4-byte id, at least 1, does not. For an 8-byte id to look like a 4-byte one, the registry
   * would have to have held four billion schema versions; for the reverse, a client would have to
   * write an id the registry never hands out (0).
   */
  static Framing of(byte[] data) {
    for (int i = 1; i <= Integer.BYTES; i++) {
      if (data[i] != 0) {
        return CONFLUENT;
      }
    }
    return APICURIO;
  }
}
