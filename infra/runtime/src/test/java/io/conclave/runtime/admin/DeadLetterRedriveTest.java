package io.conclave.runtime.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.runtime.loop.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeadLetterRedriveTest {
  @Test
  void theRecordGoesBackToWhereItCameFromAsItWasAndSaysWhichDeadLetterItWas() {
    // given
    byte[] key = "task-1".getBytes(StandardCharsets.UTF_8);
    byte[] value = {0x6e, 0x6f};
    DeadLetter letter =
        new DeadLetter(
            "c.tasks",
            2,
            41,
            "java.lang.IllegalStateException",
            "bad frame",
            key,
            value,
            Instant.parse("2026-12-03T07:00:00Z"));

    // when
    ProducerRecord<byte[], byte[]> again =
        DeadLetterRedrive.record(letter, new TopicPartition("c.dead-letters", 0), 17);

    // then
    assertThat(again.topic()).isEqualTo("c.tasks");
    assertThat(again.partition()).isEqualTo(2);
    assertThat(again.key()).isEqualTo(key);
    assertThat(again.value()).isEqualTo(value);
    assertThat(
            new String(
                again.headers().lastHeader(DeadLetters.REDRIVEN_FROM).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("c.dead-letters-0@17");
  }
}
