package io.conclave.runtime.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
  // stands in for the registry: a framed payload (magic byte 0) decodes to this JSON
  private final Deserializer<String> avro = (topic, bytes) -> "{\"taskId\": \"t-1\"}";
  private final RecordJson json = new RecordJson(avro, avro);

  @Test
  void aRecordBecomesOneObjectWithItsCoordinatesKeyAndValue() {
    // given
    var record =
        new ConsumerRecord<>(
            "acme.tasks",
            2,
            41L,
            1_700_000_000_123L,
            TimestampType.CREATE_TIME,
            0,
            0,
            "t-1".getBytes(StandardCharsets.UTF_8),
            new byte[] {0, 0, 0, 0, 7, 1},
            new RecordHeaders(),
            Optional.empty());

    // when
    String line = json.toJson(record).toString();

    // then
    assertThat(line)
        .isEqualTo(
            "{\"topic\":\"acme.tasks\",\"partition\":2,\"offset\":41,"
                + "\"timestamp\":\"2023-11-14T22:13:20.123Z\",\"key\":\"t-1\",\"value\":{\"taskId\":\"t-1\"}}");
  }

  @Test
  void aTombstoneIsNullAndBinaryIsBase64() {
    // given
    var tombstone =
        new ConsumerRecord<byte[], byte[]>(
            "acme.tasks", 0, 0L, "t-1".getBytes(StandardCharsets.UTF_8), null);
    var binary =
        new ConsumerRecord<>(
            "acme.tasks", 0, 1L, new byte[] {1, 2}, new byte[] {(byte) 0xff, 0x10});

    // then
    assertThat(json.toJson(tombstone).get("value").isNull()).isTrue();
    assertThat(json.toJson(binary).get("key").toString()).isEqualTo("{\"base64\":\"AQI=\"}");
    assertThat(json.toJson(binary).get("value").toString()).isEqualTo("{\"base64\":\"/xA=\"}");
  }

  @Test
  void aPayloadThatLooksFramedButIsNotIsShownRaw() {
    // given: the registry cannot read it
    Deserializer<String> failing =
        (topic, bytes) -> {
          throw new IllegalStateException("no such schema");
        };
    var raw = new RecordJson(failing, failing);
    var record =
        new ConsumerRecord<>(
            "acme.tasks", 0, 0L, new byte[] {0, 1}, "plain".getBytes(StandardCharsets.UTF_8));

    // then
    assertThat(raw.toJson(record).get("key").toString()).isEqualTo("{\"base64\":\"AAE=\"}");
    assertThat(raw.toJson(record).get("value").asText()).isEqualTo("plain");
  }
}
