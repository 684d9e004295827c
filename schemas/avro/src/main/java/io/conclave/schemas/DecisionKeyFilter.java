package io.conclave.schemas;

import io.conclave.model.eventlog.DecisionKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Tells from the bytes of a conclave.decisions key whether it is one agent's, without decoding it:
 * a partition holds many agents' decisions, and replaying one agent's log would otherwise decode
 * every key in it. A key is the registry framing (the same for every key written with the same
 * schema) followed by the Avro encoding of (agentId, sequence): the agent id as a length-prefixed
 * string, the sequence as a variable-length zig-zag long. Keys framed otherwise (another schema
 * version) are {@link Match#UNKNOWN}: decode them. Immutable and thread-safe.
 */
public final class DecisionKeyFilter {
  /** What a key's bytes say about the agent. */
  public enum Match {
    MINE,
    OTHER,
    UNKNOWN
  }

  private final String agentId;

  /** The framing and the encoded agent id: how each of the agent's keys starts. */
  private final byte[] prefix;

  /** How many bytes of {@link #prefix} are the framing. */
  private final int framing;

  private DecisionKeyFilter(String agentId, byte[] prefix, int framing) {
    this.agentId = agentId;
    this.prefix = prefix;
    this.framing = framing;
  }

  /** A filter for {@code agentId}'s keys as {@code serializer} frames them on {@code topic}. */
  public static DecisionKeyFilter forAgent(
      String agentId, Serializer<DecisionKey> serializer, String topic) {
    byte[] sample = serializer.serialize(topic, new DecisionKey(agentId, 0));
    int idLength = agentId.getBytes(StandardCharsets.UTF_8).length;
    // the Avro body of (agentId, 0) is the length-prefixed id and one zero byte for the sequence
    int body = zigZagLength(idLength) + idLength + 1;
    if (sample.length <= body || sample[sample.length - 1] != 0) {
      throw new IllegalStateException(
          "unexpected encoding of a decision key: " + Arrays.toString(sample));
    }
    return new DecisionKeyFilter(
        agentId, Arrays.copyOf(sample, sample.length - 1), sample.length - body);
  }

  public String agentId() {
    return agentId;
  }

  public Match match(byte[] key) {
    if (key == null || key.length <= framing) {
      return Match.UNKNOWN;
    }
    if (key.length > prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
      return Match.MINE;
    }
    return Arrays.equals(key, 0, framing, prefix, 0, framing) ? Match.OTHER : Match.UNKNOWN;
  }

  /** The key of one of the agent's decisions; only for a key that {@link Match#MINE matches}. */
  public DecisionKey key(byte[] key) {
    long raw = 0;
    int shift = 0;
    for (int i = prefix.length; i < key.length && shift < 64; i++, shift += 7) {
      raw |= (long) (key[i] & 0x7f) << shift;
      if ((key[i] & 0x80) == 0) {
        return new DecisionKey(agentId, (raw >>> 1) ^ -(raw & 1));
      }
    }
    throw new IllegalArgumentException(
        "a decision key of " + agentId + " ends inside its sequence");
  }

  private static int zigZagLength(long n) {
    long z = (n << 1) ^ (n >> 63);
    int bytes = 1;
    while ((z & ~0x7fL) != 0) {
      z >>>= 7;
      bytes++;
    }
    return bytes;
  }
}
