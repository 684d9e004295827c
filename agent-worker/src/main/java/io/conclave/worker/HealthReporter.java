package io.conclave.worker;

import dev.failsafe.CircuitBreaker;
import io.conclave.core.BreakerStateChanged;
import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.ProcessIds;
import io.conclave.resilience.CallPipeline;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a worker's circuit breaker transitions as {@link BreakerStateChanged} on conclave.agent-health (one line
 * of log each, a warning when a breaker opens). Not in a step's transaction: a breaker's state is a fact of the
 * process, written at once. Thread-safe.
 */
final class HealthReporter implements CallPipeline.BreakerListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthReporter.class);

  private final ConclaveRecords records;
  private final String worker;
  private final List<String> agentTypes;
  private final Clock clock;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicBoolean failing = new AtomicBoolean();

  HealthReporter(String bootstrapServers, ConclaveRecords records, List<String> agentTypes, Clock clock) {
    this.records = Objects.requireNonNull(records, "records");
    this.worker = ProcessIds.processId();
    this.agentTypes = List.copyOf(agentTypes);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.producer = new KafkaProducer<>(ClientConfigs.producer(bootstrapServers));
  }

  String worker() {
    return worker;
  }

  /** Announces a breaker as it starts: closed. */
  void registered(String breaker) {
    publish(breaker, CircuitBreaker.State.CLOSED, CircuitBreaker.State.CLOSED);
  }

  @Override
  public void changed(String breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
    if (to == CircuitBreaker.State.OPEN) {
      log.warn("{}: circuit breaker {} -> OPEN: calls fail fast until it half-opens", breaker, from);
    } else {
      log.info("{}: circuit breaker {} -> {}", breaker, from, to);
    }
    publish(breaker, from, to);
  }

  private void publish(String breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
    var event = new BreakerStateChanged(breaker, worker, agentTypes, BreakerStateChanged.State.valueOf(from.name()),
        BreakerStateChanged.State.valueOf(to.name()), clock.instant());
    producer.send(records.breakerStateChanged(event), (metadata, e) -> {
      if (e != null && failing.compareAndSet(false, true)) {
        log.warn("breaker states are not reaching {}: {}", metadata == null ? "conclave.agent-health"
            : metadata.topic(), e.toString());
      } else if (e == null) {
        failing.set(false);
      }
    });
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
