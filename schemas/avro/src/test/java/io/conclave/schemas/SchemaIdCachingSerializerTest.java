package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.schemas.avro.LeaderElected;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class SchemaIdCachingSerializerTest {
  private static final byte[] FRAME = {0, 0, 0, 0, 0, 0, 0, 0, 42};

  /**
   * Writes like the registry serde with ids in the payload: the frame, then the Avro body; counts
   * its calls.
   */
  private static final class Framing implements Serializer<LeaderElected> {
    final AtomicInteger calls = new AtomicInteger();
    final byte[] trailer;
    final boolean header;

    Framing(byte[] trailer, boolean header) {
      this.trailer = trailer;
      this.header = header;
    }

    @Override
    public byte[] serialize(String topic, LeaderElected data) {
      return serialize(topic, new RecordHeaders(), data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, LeaderElected data) {
      calls.incrementAndGet();
      if (header) {
        headers.add("apicurio.value.globalId", FRAME);
      }
      byte[] body = avro(data);
      byte[] out = new byte[FRAME.length + body.length + trailer.length];
      System.arraycopy(FRAME, 0, out, 0, FRAME.length);
      System.arraycopy(body, 0, out, FRAME.length, body.length);
      System.arraycopy(trailer, 0, out, FRAME.length + body.length, trailer.length);
      return out;
    }
  }

  private static byte[] avro(LeaderElected data) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<>(LeaderElected.class).write(data, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static LeaderElected leader(long epoch) {
    return new LeaderElected(
        3, epoch, "member-" + epoch, "host", Instant.ofEpochMilli(1_700_000_000_000L + epoch));
  }

  @Test
  void asksTheRegistrySerializerOncePerTopicAndWritesWhatItWouldHave() {
    Framing registry = new Framing(new byte[0], false);
    var cached = new SchemaIdCachingSerializer<>(registry);

    byte[] first = cached.serialize("t.leadership", leader(1));
    byte[] second = cached.serialize("t.leadership", leader(2));
    byte[] other = cached.serialize("u.leadership", leader(3));

    assertThat(registry.calls).hasValue(2); // once for each topic
    assertThat(first)
        .isEqualTo(new Framing(new byte[0], false).serialize("t.leadership", leader(1)));
    assertThat(second)
        .isEqualTo(new Framing(new byte[0], false).serialize("t.leadership", leader(2)));
    assertThat(other)
        .isEqualTo(new Framing(new byte[0], false).serialize("u.leadership", leader(3)));
    assertThat(cached.serialize("t.leadership", null)).isNull();
  }

  @Test
  void leavesEveryRecordToTheRegistrySerializerWhenItsOutputIsNotAFrameAndTheBody() {
    Framing trailing = new Framing(new byte[] {9}, false);
    var cached = new SchemaIdCachingSerializer<>(trailing);
    cached.serialize("t.leadership", leader(1));
    byte[] second = cached.serialize("t.leadership", leader(2));
    assertThat(trailing.calls).hasValue(2);
    assertThat(second).endsWith(9);

    Framing headed = new Framing(new byte[0], true);
    var inHeaders = new SchemaIdCachingSerializer<>(headed);
    Headers headers = new RecordHeaders();
    inHeaders.serialize("t.leadership", headers, leader(1));
    inHeaders.serialize("t.leadership", new RecordHeaders(), leader(2));
    assertThat(headed.calls).hasValue(2);
    assertThat(headers.lastHeader("apicurio.value.globalId")).isNotNull();
  }
}
