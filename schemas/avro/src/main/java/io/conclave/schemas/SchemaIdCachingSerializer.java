package io.conclave.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes what the registry serializer writes without asking it for every record. The Apicurio
 * serializer renders the record's schema to JSON on every call to look it up in its cache, which
 * was about half the CPU of a coordinator's or a worker's loop. The first record of each type on
 * each topic goes through the registry serializer; the bytes it put before the Avro body (the magic
 * byte and the schema id) are kept and put before the Avro body of the next records of that type on
 * that topic. The registry is thus asked once per topic and type for the life of the process, as it
 * is when its answers are cached: a process writes with the schemas its code was built with.
 *
 * <p>The split is checked on that first record: unless the registry serializer wrote exactly some
 * bytes followed by the record's Avro binary encoding, and no header, every record of that type on
 * that topic goes through it.
 */
final class SchemaIdCachingSerializer<A extends SpecificRecord> implements Serializer<A> {
  /** Marks a topic and type whose records the registry serializer must write itself. */
  private static final byte[] UNCACHEABLE = new byte[0];

  private final Serializer<A> registry;
  private final Map<Key, byte[]> prefixes = new ConcurrentHashMap<>();
  private final Map<Class<?>, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

  private record Key(String topic, Class<?> type) {}

  SchemaIdCachingSerializer(Serializer<A> registry) {
    this.registry = registry;
  }

  @Override
  public byte[] serialize(String topic, A data) {
    return serialize(topic, null, data);
  }

  @Override
  public byte[] serialize(String topic, Headers headers, A data) {
    if (data == null) {
      return null;
    }
    Key key = new Key(topic, data.getClass());
    byte[] prefix = prefixes.get(key);
    if (prefix == UNCACHEABLE) {
      return headers == null
          ? registry.serialize(topic, data)
          : registry.serialize(topic, headers, data);
    }
    if (prefix != null) {
      return encode(prefix, data);
    }
    byte[] body = encode(new byte[0], data);
    Headers added = new RecordHeaders();
    byte[] full = registry.serialize(topic, added, data);
    if (headers != null) {
      added.forEach(headers::add);
    }
    boolean split =
        added.toArray().length == 0
            && full.length >= body.length
            && Arrays.equals(full, full.length - body.length, full.length, body, 0, body.length);
    prefixes.putIfAbsent(key, split ? Arrays.copyOf(full, full.length - body.length) : UNCACHEABLE);
    return full;
  }

  /** {@code prefix}, then the Avro binary encoding of {@code data}, in one array. */
  @SuppressWarnings("unchecked")
  private byte[] encode(byte[] prefix, A data) {
    // the generated class's own model, with its logical-type conversions (timestamps as Instants)
    DatumWriter<Object> writer =
        writers.computeIfAbsent(
            data.getClass(),
            type -> (DatumWriter<Object>) new SpecificDatumWriter<>((Class<Object>) type));
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(prefix);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("an in-memory stream does not fail", e);
    }
    return out.toByteArray();
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    registry.configure(configs, isKey);
  }

  @Override
  public void close() {
    registry.close();
  }
}
