package io.conclave.worker;

import dev.failsafe.CircuitBreaker;
import io.conclave.model.cluster.BreakerStateChanged;
import io.conclave.runtime.process.ProcessIds;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.resilience.CallPipeline;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a worker's circuit breaker transitions as {@link BreakerStateChanged} on
 * conclave.agent-health (one line of log each, a warning when a breaker opens), each with the one
 * agent type whose calls go through that breaker (a worker has a breaker per model endpoint and per
 * agent type). Not in a step's transaction: a breaker's state is a fact of the process, written at
 * once. Closing it writes a tombstone for every breaker it reported, so that a worker that stopped
 * cleanly leaves no breaker behind (one that died keeps its last reports). Thread-safe.
 */
final class HealthReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthReporter.class);

  private final Function<BreakerStateChanged, ProducerRecord<byte[], byte[]>> reports;
  private final Function<String, ProducerRecord<byte[], byte[]>> tombstones;
  private final String worker;
  private final Clock clock;
  private final Producer<byte[], byte[]> producer;
  private final AtomicBoolean failing = new AtomicBoolean();

  /**
   * The keys reported so far, to tombstone on close; guarded by {@code this}, like {@link #closed}.
   */
  private final Set<String> reported = new LinkedHashSet<>();

  private boolean closed;

  HealthReporter(KafkaAccess kafka, ConclaveRecords records, Clock clock) {
    this(
        new KafkaProducer<>(ClientConfigs.producer(kafka)),
        records::breakerStateChanged,
        records::breakerGone,
        ProcessIds.processId(),
        clock);
  }

  /**
   * @param producer closed with the reporter
   * @param reports the record of a report
   * @param tombstones the tombstone of a report's key
   */
  HealthReporter(
      Producer<byte[], byte[]> producer,
      Function<BreakerStateChanged, ProducerRecord<byte[], byte[]>> reports,
      Function<String, ProducerRecord<byte[], byte[]>> tombstones,
      String worker,
      Clock clock) {
    this.reports = Objects.requireNonNull(reports, "reports");
    this.tombstones = Objects.requireNonNull(tombstones, "tombstones");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.producer = Objects.requireNonNull(producer, "producer");
  }

  String worker() {
    return worker;
  }

  /** Hears the breakers of {@code agentType}'s pipelines. */
  CallPipeline.BreakerListener listener(String agentType) {
    Objects.requireNonNull(agentType, "agentType");
    return (breaker, from, to) -> changed(breaker, agentType, from, to);
  }

  /** Announces {@code agentType}'s breaker as it starts: closed. */
  void registered(String breaker, String agentType) {
    publish(breaker, agentType, CircuitBreaker.State.CLOSED, CircuitBreaker.State.CLOSED);
  }

  private void changed(
      String breaker, String agentType, CircuitBreaker.State from, CircuitBreaker.State to) {
    if (to == CircuitBreaker.State.OPEN) {
      log.warn(
          "{}: circuit breaker {} -> OPEN: {} calls fail fast until it half-opens",
          breaker,
          from,
          agentType);
    } else {
      log.info("{}: circuit breaker {} -> {}", breaker, from, to);
    }
    publish(breaker, agentType, from, to);
  }

  private synchronized void publish(
      String breaker, String agentType, CircuitBreaker.State from, CircuitBreaker.State to) {
    // after the tombstones, a late transition (a call still running, a half-open due) would bring
    // the breaker back
    if (closed) {
      return;
    }
    var event =
        new BreakerStateChanged(
            breaker,
            worker,
            List.of(agentType),
            BreakerStateChanged.State.valueOf(from.name()),
            BreakerStateChanged.State.valueOf(to.name()),
            clock.instant());
    reported.add(event.key());
    producer.send(
        reports.apply(event),
        (metadata, e) -> {
          if (e != null && failing.compareAndSet(false, true)) {
            log.warn(
                "breaker states are not reaching {}: {}",
                metadata == null ? "conclave.agent-health" : metadata.topic(),
                e.toString());
          } else if (e == null) {
            failing.set(false);
          }
        });
  }

  /**
   * Tombstones every breaker reported, then closes the producer (which sends what it still holds).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (String key : reported) {
        producer.send(tombstones.apply(key));
      }
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
