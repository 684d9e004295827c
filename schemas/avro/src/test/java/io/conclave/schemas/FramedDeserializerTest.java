package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/**
 * A task reaches the reader of its framing: Apicurio's 8-byte global id goes to the Apicurio
 * reader, Confluent's 4-byte content id to the Confluent one, whatever the id; bytes of neither are
 * refused before any reader sees them.
 */
class FramedDeserializerTest {
  /** A reader that answers which framing it was given, and the id it would look up. */
  private static Deserializer<String> reader(Framing framing) {
    return (topic, data) -> {
      ByteBuffer b = ByteBuffer.wrap(data, 1, data.length - 1);
      return framing + ":" + (framing == Framing.APICURIO ? b.getLong() : b.getInt());
    };
  }

  private final FramedDeserializer<String> either =
      FramedDeserializer.either(reader(Framing.APICURIO), reader(Framing.CONFLUENT));

  private static byte[] apicurio(long globalId) {
    return ByteBuffer.allocate(1 + 8 + 3).put((byte) 0).putLong(globalId).put(new byte[3]).array();
  }

  private static byte[] confluent(int contentId) {
    return ByteBuffer.allocate(1 + 4 + 6).put((byte) 0).putInt(contentId).put(new byte[6]).array();
  }

  @Test
  void eachFramingReachesItsReaderForIdsFromOneToTheLargest() {
    for (long id :
        new long[] {1, 2, 255, 256, 65_536, 1L << 24, Integer.MAX_VALUE, (1L << 32) - 1}) {
      assertThat(either.deserialize("acme.tasks", apicurio(id))).isEqualTo("APICURIO:" + id);
    }
    for (int id : new int[] {1, 2, 255, 256, 65_536, 1 << 24, Integer.MAX_VALUE}) {
      assertThat(either.deserialize("acme.tasks", confluent(id))).isEqualTo("CONFLUENT:" + id);
    }
  }

  @Test
  void aReaderOfApicurioOnlyReadsEveryFrameAsAnEightByteId() {
    FramedDeserializer<String> apicurioOnly = FramedDeserializer.apicurio(reader(Framing.APICURIO));

    // a Confluent frame there is read as Apicurio's: its lookup fails as any unknown id's does
    assertThat(apicurioOnly.deserialize("acme.saga-events", confluent(7))).startsWith("APICURIO:");
    assertThat(apicurioOnly.deserialize("acme.saga-events", apicurio(7))).isEqualTo("APICURIO:7");
  }

  @Test
  void bytesOfNeitherFramingAreRefusedNamingBoth() {
    assertThatThrownBy(() -> either.deserialize("acme.tasks", new byte[] {'{', '"', 't', 'a'}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("acme.tasks")
        .hasMessageContaining("8-byte schema id, or a 4-byte one in the Confluent framing")
        .hasMessageContaining("0x7b and is 4 bytes long");
    // the magic byte and four zero bytes announce an 8-byte id that is not there
    assertThatThrownBy(() -> either.deserialize("acme.tasks", new byte[] {0, 0, 0, 0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("0x00 and is 6 bytes long");
    assertThat(either.deserialize("acme.tasks", null)).isNull();
  }
}
