package io.conclave.projections.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.cluster.BreakerStateChanged;
import io.conclave.model.cluster.BreakerStateChanged.State;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * How {@code GET /breakers} folds conclave.agent-health, without a broker: a key's latest report
 * wins, and a worker's tombstone for a breaker removes it (a stopped worker leaves no breaker
 * behind).
 */
class BreakerControllerTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private final Map<Long, BreakerStateChanged> values = new TreeMap<>();
  private long offset;

  /** A record of {@code report}, its value standing for the serialized report. */
  private ConsumerRecord<byte[], byte[]> record(BreakerStateChanged report) {
    long at = offset++;
    values.put(at, report);
    return new ConsumerRecord<>(
        "health",
        0,
        at,
        report.key().getBytes(StandardCharsets.UTF_8),
        Long.toString(at).getBytes(StandardCharsets.UTF_8));
  }

  private ConsumerRecord<byte[], byte[]> tombstone(String key) {
    return new ConsumerRecord<>("health", 0, offset++, key.getBytes(StandardCharsets.UTF_8), null);
  }

  private Optional<BreakerStateChanged> read(ConsumerRecord<byte[], byte[]> record) {
    return Optional.ofNullable(
        values.get(Long.parseLong(new String(record.value(), StandardCharsets.UTF_8))));
  }

  private static BreakerStateChanged report(String worker, String type, State from, State to) {
    return new BreakerStateChanged("model:gpt/" + type, worker, List.of(type), from, to, T0);
  }

  @Test
  void aTombstoneRemovesItsKeysEarlierReportAndLeavesTheOthers() {
    // given
    var researchOpen = report("host-1", "research", State.CLOSED, State.OPEN);
    var write = report("host-1", "write", State.CLOSED, State.CLOSED);
    var otherWorker = report("host-2", "research", State.CLOSED, State.CLOSED);
    Map<String, BreakerStateChanged> latest = new TreeMap<>();

    // when
    for (var r :
        List.of(
            record(report("host-1", "research", State.CLOSED, State.CLOSED)),
            record(write),
            record(otherWorker),
            record(researchOpen))) {
      BreakerController.fold(latest, r, this::read);
    }
    // then: the latest report of each key
    assertThat(latest)
        .containsOnlyKeys(
            "host-1/model:gpt/research", "host-1/model:gpt/write", "host-2/model:gpt/research");
    assertThat(latest.get("host-1/model:gpt/research")).isEqualTo(researchOpen);

    // when: host-1 stopped cleanly
    BreakerController.fold(latest, tombstone(researchOpen.key()), this::read);
    BreakerController.fold(latest, tombstone(write.key()), this::read);

    // then
    assertThat(latest).containsOnlyKeys("host-2/model:gpt/research");
    assertThat(latest.get("host-2/model:gpt/research")).isEqualTo(otherWorker);
  }
}
