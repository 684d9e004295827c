package io.conclave.projections.agents;

import io.conclave.model.eventlog.DecisionKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Store key layout for decisions: UTF-8 agent id, a zero byte, the sequence as 8 big-endian bytes.
 * Byte order is then (agent, sequence) order, so a prefix scan on one agent returns its decisions
 * in sequence.
 */
public final class DecisionKeyOrder implements Serde<DecisionKey> {
  /** Bytes that start every key of {@code agentId}. */
  public static byte[] prefix(String agentId) {
    byte[] id = agentId.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[id.length + 1];
    System.arraycopy(id, 0, out, 0, id.length);
    return out;
  }

  @Override
  public Serializer<DecisionKey> serializer() {
    return (topic, key) -> {
      if (key == null) {
        return null;
      }
      byte[] prefix = prefix(key.agentId());
      return ByteBuffer.allocate(prefix.length + Long.BYTES)
          .put(prefix)
          .putLong(key.sequence())
          .array();
    };
  }

  @Override
  public Deserializer<DecisionKey> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      int idLength = bytes.length - Long.BYTES - 1;
      String agentId = new String(bytes, 0, idLength, StandardCharsets.UTF_8);
      long sequence = ByteBuffer.wrap(bytes, idLength + 1, Long.BYTES).getLong();
      return new DecisionKey(agentId, sequence);
    };
  }
}
