package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failsafe.CircuitBreaker;
import io.conclave.model.cluster.BreakerStateChanged;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What a worker's health reporter writes on conclave.agent-health, without a broker: each breaker
 * with its own agent type, and a tombstone for each breaker it reported when it closes, after which
 * it writes nothing.
 */
class HealthReporterTest {
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

  /** The reports by the value written, so the records can be read back as reports. */
  private final Map<String, BreakerStateChanged> sent = new ConcurrentHashMap<>();

  private final HealthReporter reporter =
      new HealthReporter(
          producer,
          report -> {
            String value = report.breaker() + "@" + report.at() + "#" + sent.size();
            sent.put(value, report);
            return new ProducerRecord<>("health", bytes(report.key()), bytes(value));
          },
          key -> new ProducerRecord<>("health", bytes(key), null),
          "host-1",
          Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private List<String> written() {
    return producer.history().stream()
        .map(
            r ->
                new String(r.key(), StandardCharsets.UTF_8)
                    + " "
                    + (r.value() == null
                        ? "tombstone"
                        : describe(sent.get(new String(r.value(), StandardCharsets.UTF_8)))))
        .toList();
  }

  private static String describe(BreakerStateChanged b) {
    return b.agentTypes() + " " + b.from() + "->" + b.to();
  }

  @Test
  void eachBreakerIsReportedWithItsOwnTypeAndTombstonedOnClose() {
    // given
    reporter.registered("model:gpt/research", "research");
    reporter.registered("model:gpt/write", "write");
    reporter
        .listener("research")
        .changed("model:gpt/research", CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN);

    // when
    reporter.close();
    // a transition after the tombstones (a call still running, a half-open due) must not bring a
    // breaker back
    reporter
        .listener("write")
        .changed("model:gpt/write", CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN);

    // then
    assertThat(written())
        .containsExactly(
            "host-1/model:gpt/research [research] CLOSED->CLOSED",
            "host-1/model:gpt/write [write] CLOSED->CLOSED",
            "host-1/model:gpt/research [research] CLOSED->OPEN",
            "host-1/model:gpt/research tombstone",
            "host-1/model:gpt/write tombstone");
    assertThat(producer.closed()).isTrue();
  }
}
