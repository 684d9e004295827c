package io.conclave.projections.http;

import io.conclave.projections.http.Backpressure.Admission;
import io.conclave.projections.http.Backpressure.Backlog;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.TopicNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backlog of work waiting for Conclave, measured in the background and kept, so that a
 * submission reads it without a round trip to Kafka: the records the coordinators have not consumed
 * from conclave.tasks plus those each agent type's workers have not consumed from its
 * conclave.commands.&lt;type&gt; ({@link ConsumerLag}; a group that committed nothing on a
 * partition adds nothing for it). Measured every {@link Backpressure#refresh}, not at all when
 * submissions are unbounded. A measure that fails makes the backlog unknown, which refuses nothing,
 * and is logged once until one succeeds again. Exposed as the gauge {@code
 * conclave_backlog_records} (NaN while unknown). Thread-safe.
 */
@Context
public final class BacklogMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BacklogMonitor.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final Backpressure backpressure;
  private final Admin admin;

  /** Each group whose lag counts, with the topic it counts on. */
  private final Map<String, String> counted = new HashMap<>();

  private final ScheduledExecutorService refresher;
  private volatile Backlog backlog = new Backlog.Unknown();
  // read and written on the refresher's thread only
  private boolean failing;
  private boolean refusing;

  BacklogMonitor(
      Backpressure backpressure, Admin admin, ConclaveSettings settings, MeterRegistry meters) {
    this.backpressure = backpressure;
    this.admin = admin;
    TopicNames topics = settings.topics();
    counted.put(topics.coordinatorGroup(), topics.tasks());
    settings
        .agentTypes()
        .forEach(type -> counted.put(topics.workerGroup(type), topics.commands(type)));
    Gauge.builder(
            "conclave.backlog.records",
            this,
            m -> m.backlog instanceof Backlog.Known k ? k.records() : Double.NaN)
        .description(
            "records waiting for the coordinators (conclave.tasks) and workers (their commands), as last "
                + "measured for the bound on submissions")
        .register(meters);
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "backlog-monitor");
              t.setDaemon(true);
              return t;
            });
    if (backpressure.bounded()) {
      refresher.scheduleWithFixedDelay(
          this::refresh, 0, backpressure.refresh().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** What becomes of a submission now, from the last measure. */
  Admission admission() {
    return backpressure.decide(backlog);
  }

  /**
   * @throws BacklogExceededException if a submission is refused now: write nothing
   */
  public void admit() {
    if (admission() instanceof Admission.Refuse refuse) {
      throw new BacklogExceededException(refuse.reason(), refuse.retryAfter());
    }
  }

  private void refresh() {
    try {
      long records = 0;
      for (Map.Entry<String, Map<TopicPartition, Long>> group :
          ConsumerLag.read(admin, counted.keySet(), TIMEOUT).entrySet()) {
        String topic = counted.get(group.getKey());
        for (Map.Entry<TopicPartition, Long> lag : group.getValue().entrySet()) {
          records += lag.getKey().topic().equals(topic) ? lag.getValue() : 0;
        }
      }
      backlog = new Backlog.Known(records);
      if (failing) {
        failing = false;
        log.info("the backlog is measured again: {} records", records);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      backlog = new Backlog.Unknown();
      if (!failing) {
        failing = true;
        log.warn(
            "cannot measure the backlog ({}); submissions are accepted until it can be",
            e.toString());
      }
    }
    Admission now = admission();
    if ((now instanceof Admission.Refuse) != refusing) {
      refusing = !refusing;
      if (now instanceof Admission.Refuse refuse) {
        log.warn("submissions refused: {}", refuse.reason());
      } else {
        log.info(
            "submissions accepted again: {}",
            backlog instanceof Backlog.Known k
                ? k.records() + " records wait"
                : "the backlog cannot be measured");
      }
    }
  }

  @PreDestroy
  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
