package io.conclave.projections.runtime;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Hands values across a topic by reference (an index into this serde's list): the wire format is
 * not tested. Bytes that are not one of its references (fewer than four, or an index it never gave)
 * fail to deserialize, as poison does.
 */
public final class ByReference<T> implements Serde<T> {
  private final List<T> values = new ArrayList<>();

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      values.add(value);
      return ByteBuffer.allocate(4).putInt(values.size() - 1).array();
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (bytes.length != 4) {
        throw new IllegalArgumentException("not a reference: " + bytes.length + " bytes");
      }
      return values.get(ByteBuffer.wrap(bytes).getInt());
    };
  }
}
