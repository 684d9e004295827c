package io.conclave.schemas;

import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a registry-encoded payload with the registry deserializer of its {@link Framing}, and
 * refuses, before the registry is asked, bytes that have no framing it reads: the registry
 * deserializer's own error would be "artifact reference cannot be null", which tells whoever reads
 * the dead letter nothing.
 */
final class FramedDeserializer<A> implements Deserializer<A> {
  private final Map<Framing, Deserializer<A>> readers;

  private FramedDeserializer(Map<Framing, Deserializer<A>> readers) {
    this.readers = readers;
  }

  /** Reads what Conclave's serializers write, and only that. */
  static <A> FramedDeserializer<A> apicurio(Deserializer<A> apicurio) {
    Map<Framing, Deserializer<A>> readers = new EnumMap<>(Framing.class);
    readers.put(Framing.APICURIO, apicurio);
    return new FramedDeserializer<>(readers);
  }

  /**
   * Reads what Conclave's serializers write and what Confluent-compatible clients of other
   * languages write, each with its own deserializer.
   */
  static <A> FramedDeserializer<A> either(Deserializer<A> apicurio, Deserializer<A> confluent) {
    Map<Framing, Deserializer<A>> readers = new EnumMap<>(Framing.class);
    readers.put(Framing.APICURIO, apicurio);
    readers.put(Framing.CONFLUENT, confluent);
    return new FramedDeserializer<>(readers);
  }

  @Override
  public A deserialize(String topic, byte[] data) {
    return data == null ? null : reader(topic, data).deserialize(topic, data);
  }

  @Override
  public A deserialize(String topic, Headers headers, byte[] data) {
    return data == null ? null : reader(topic, data).deserialize(topic, headers, data);
  }

  private Deserializer<A> reader(String topic, byte[] data) {
    Framing framing =
        readers.size() > 1 && data.length >= Framing.CONFLUENT.prefixLength()
            ? Framing.of(data)
            : Framing.APICURIO;
    if (data.length < framing.prefixLength() || data[0] != Framing.MAGIC) {
      throw new SerializationException(
          "a record of "
              + topic
              + " must start with the schema registry's frame (byte 0 and an 8-byte schema id"
              + (readers.containsKey(Framing.CONFLUENT)
                  ? ", or a 4-byte one in the Confluent framing"
                  : "")
              + "); this one starts with "
              + (data.length == 0
                  ? "nothing"
                  : String.format("0x%02x and is %d bytes long", data[0], data.length)));
    }
    return readers.get(framing);
  }

  @Override
  public void close() {
    readers.values().forEach(Deserializer::close);
  }
}
