package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Bytes that are not a Conclave record are refused before the registry is asked, with a message
 * that says why.
 */
class MappedSerdeTest {
  // nothing listens there: a look-up would fail with a different error
  private final ConclaveSerdes serdes =
      new ConclaveSerdes(new RegistrySettings("http://127.0.0.1:9/apis/registry/v2", false));

  @Test
  void bytesWithoutTheRegistryFrameAreRefusedNamingTheirFirstByte() {
    byte[] text = "not avro".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> serdes.taskSubmission().deserializer().deserialize("acme.tasks", text))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("acme.tasks")
        .hasMessageContaining("schema registry's frame")
        .hasMessageContaining("0x6e and is 8 bytes long");
  }

  @Test
  void aRecordShorterThanTheFrameIsRefused() {
    assertThatThrownBy(
            () ->
                serdes
                    .sagaEvent()
                    .deserializer()
                    .deserialize("acme.saga-events", new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("0x00 and is 3 bytes long");
    assertThatThrownBy(
            () -> serdes.sagaEvent().deserializer().deserialize("acme.saga-events", new byte[0]))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("starts with nothing");
  }
}
