package io.conclave.projections.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.schemas.KnowledgeStateSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class KnowledgeStateSerdeTest {
  private final KnowledgeStateSerde serde = new KnowledgeStateSerde();

  @ParameterizedTest
  @EnumSource(KnowledgeType.class)
  void everyStateReadsBackEqualAndEqualStatesAreEqualBytes(KnowledgeType type) {
    // given: the merge of a random history of the type
    List<KnowledgeDelta> deltas =
        KnowledgeHistories.run("k", type, 30, Duration.ofSeconds(1), new Random(7));
    KnowledgeState state = KnowledgeHistories.expected(deltas, Instant.MAX).orElseThrow();

    // when
    byte[] bytes = serde.serializer().serialize("t", state);
    KnowledgeState back = serde.deserializer().deserialize("t", bytes);

    // then
    assertThat(back).isEqualTo(state);
    assertThat(serde.serializer().serialize("t", back)).isEqualTo(bytes);
  }

  @Test
  void theFormatIsAvroAfterItsMarkerAndTheJsonOfEarlierVersionsStillReads() {
    var state =
        new KnowledgeState(
            GCounter.EMPTY.increment("alpha-0", 3), Instant.parse("2026-01-01T00:00:00Z"), 2);

    assertThat(KnowledgeStateSerde.encode(state)[0]).isEqualTo(KnowledgeStateSerde.AVRO);
    assertThat(
            serde
                .deserializer()
                .deserialize(
                    "t",
                    ("{\"crdt\":{\"type\":\"g-counter\",\"counts\":{\"alpha-0\":3}},\"updatedAt\":\"2026-01-01T00:00:00Z\","
                            + "\"deltas\":2}")
                        .getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(state);
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "{\"crdt\":{\"type\":\"g-counter\",\"counts\":{}},\"updatedAt\":\"2026-01-01T00:00:00Z\"}",
        "{\"crdt\":{\"type\":\"g-counter\",\"counts\":{}},\"updatedAt\":\"2026-01-01T00:00:00Z\",\"deltas\":1,\"x\":1}",
        "{\"crdt\":{\"type\":\"g-counter\",\"counts\":{}},\"updatedAt\":\"2026-01-01T00:00:00Z\",\"deltas\":1,\"deltas\":2}",
        "{\"crdt\":{\"type\":\"g-counter\",\"counts\":{}},\"updatedAt\":\"2026-01-01T00:00:00Z\",\"deltas\":1.5}",
        "{\"crdt\":{\"type\":\"g-counter\",\"counts\":{}},\"updatedAt\":\"2026-01-01T00:00:00Z\",\"deltas\":0}",
        "{\"crdt\":{\"type\":\"g-counter\",\"counts\":{}},\"updatedAt\":\"yesterday\",\"deltas\":1}",
        "{\"crdt\":{\"type\":\"g-counter\",\"counts\":{}},\"updatedAt\":17,\"deltas\":1}",
        "{\"crdt\":\"{}\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"deltas\":1}",
        "{\"crdt\":{\"type\":\"g-counter\"},\"updatedAt\":\"2026-01-01T00:00:00Z\",\"deltas\":1}",
        "{\"crdt\":{\"type\":\"g-counter\",\"counts\":{}},\"updatedAt\":\"2026-01-01T00:00:00Z\",\"deltas\":1} {}"
      })
  void anythingElseIsRefusedSayingWhy(String json) {
    assertThatThrownBy(
            () -> serde.deserializer().deserialize("store", json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("unreadable knowledge state in store: malformed");
  }
}
