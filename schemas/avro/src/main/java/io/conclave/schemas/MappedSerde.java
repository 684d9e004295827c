package io.conclave.schemas;

import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A serde of a domain type D that maps to and from the wire type A around an inner serde. */
final class MappedSerde<D, A> implements Serde<D> {
  /** The magic byte and the global id Apicurio's serializer puts before the Avro body. */
  private static final int FRAME = 9;

  private final Serializer<A> inner;
  private final Deserializer<A> innerReader;
  private final Function<D, A> toWire;
  private final Function<A, D> fromWire;

  MappedSerde(
      Serializer<A> inner,
      Deserializer<A> innerReader,
      Function<D, A> toWire,
      Function<A, D> fromWire) {
    this.inner = inner;
    this.innerReader = innerReader;
    this.toWire = toWire;
    this.fromWire = fromWire;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // configured once by ConclaveSerdes
  }

  @Override
  public void close() {
    inner.close();
    innerReader.close();
  }

  @Override
  public Serializer<D> serializer() {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String topic, D data) {
        return data == null ? null : inner.serialize(topic, toWire.apply(data));
      }

      @Override
      public byte[] serialize(String topic, Headers headers, D data) {
        return data == null ? null : inner.serialize(topic, headers, toWire.apply(data));
      }
    };
  }

  @Override
  public Deserializer<D> deserializer() {
    return new Deserializer<>() {
      @Override
      public D deserialize(String topic, byte[] data) {
        return data == null
            ? null
            : fromWire.apply(innerReader.deserialize(topic, framed(topic, data)));
      }

      @Override
      public D deserialize(String topic, Headers headers, byte[] data) {
        return data == null
            ? null
            : fromWire.apply(innerReader.deserialize(topic, headers, framed(topic, data)));
      }
    };
  }

  /**
   * {@code data} if it starts as every record Conclave writes does (magic byte 0, then the 8-byte
   * global id of its schema); otherwise the serde's own error would be "artifact reference cannot
   * be null", which tells whoever reads the dead letter nothing.
   */
  private static byte[] framed(String topic, byte[] data) {
    if (data.length < FRAME || data[0] != 0) {
      throw new SerializationException(
          "a record of "
              + topic
              + " must start with the schema registry's frame (byte 0 "
              + "and an 8-byte schema id); this one starts with "
              + (data.length == 0
                  ? "nothing"
                  : String.format("0x%02x and is %d bytes long", data[0], data.length)));
    }
    return data;
  }
}
