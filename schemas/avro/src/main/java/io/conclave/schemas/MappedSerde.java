package io.conclave.schemas;

import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A serde of a domain type D that maps to and from the wire type A around an inner serde. */
final class MappedSerde<D, A> implements Serde<D> {
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
        return data == null ? null : fromWire.apply(innerReader.deserialize(topic, data));
      }

      @Override
      public D deserialize(String topic, Headers headers, byte[] data) {
        return data == null ? null : fromWire.apply(innerReader.deserialize(topic, headers, data));
      }
    };
  }
}
