package io.conclave.projections.operations;

import io.conclave.projections.http.ConsumerLag;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.sagas.SagaQueries;
import io.conclave.runtime.config.ConclaveSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conclave's own gauges on the projections' {@code GET /prometheus}, refreshed every {@value
 * #EVERY} (not on each scrape, so that a scrape costs nothing and a burst of them does not load
 * Kafka):
 *
 * <ul>
 *   <li>{@code conclave_sagas{status}}: the sagas of this instance's partitions by status (sum over
 *       the instances);
 *   <li>{@code conclave_consumer_lag{group}}: records not yet consumed by each Conclave consumer
 *       group (the coordinators', each agent type's workers', the projections'), the sum over its
 *       partitions of the last stable offset minus the group's committed offset;
 *   <li>{@code conclave_breakers{agent_type,state}}: the workers' circuit breakers in each state,
 *       as they last reported on conclave.agent-health (what {@code GET /breakers} answers).
 * </ul>
 *
 * A refresh that fails (Kafka away, the projections rebuilding) keeps the previous values and is
 * logged once until a refresh succeeds again.
 */
@Context
final class ConclaveMetrics {
  static final String EVERY = "5s";
  private static final Logger log = LoggerFactory.getLogger(ConclaveMetrics.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final SagaQueries queries;
  private final BreakerController breakers;
  private final Admin admin;
  private final List<String> groups;
  private final MultiGauge sagas;
  private final MultiGauge lag;
  private final MultiGauge breakerStates;
  private final Map<String, Boolean> failing = new HashMap<>();

  ConclaveMetrics(
      SagaQueries queries,
      BreakerController breakers,
      Admin admin,
      ConclaveSettings settings,
      MeterRegistry meters) {
    this.queries = queries;
    this.breakers = breakers;
    this.admin = admin;
    var topics = settings.topics();
    this.groups =
        Stream.concat(
                Stream.of(topics.coordinatorGroup(), topics.projectionsApplicationId()),
                settings.agentTypes().stream().map(topics::workerGroup))
            .toList();
    this.sagas =
        MultiGauge.builder("conclave.sagas")
            .description("sagas of this instance's partitions by status")
            .register(meters);
    this.lag =
        MultiGauge.builder("conclave.consumer.lag")
            .description(
                "records not yet consumed by a Conclave consumer group, over its partitions")
            .register(meters);
    this.breakerStates =
        MultiGauge.builder("conclave.breakers")
            .description("workers' circuit breakers by agent type and state, as last reported")
            .register(meters);
  }

  /**
   * Reads the three from the stores and Kafka; each separately, so one failing leaves the others
   * current.
   */
  @Scheduled(fixedDelay = EVERY, initialDelay = "1s")
  void refresh() {
    attempt(
        "sagas",
        () -> {
          List<MultiGauge.Row<?>> rows = new ArrayList<>();
          queries
              .sagaCounts()
              .forEach(
                  (status, n) -> rows.add(MultiGauge.Row.of(Tags.of("status", status.name()), n)));
          sagas.register(rows, true);
        });
    attempt(
        "consumer lag",
        () -> {
          List<MultiGauge.Row<?>> rows = new ArrayList<>();
          lags().forEach((group, n) -> rows.add(MultiGauge.Row.of(Tags.of("group", group), n)));
          lag.register(rows, true);
        });
    attempt(
        "breakers",
        () -> {
          Map<Tags, Long> counts = new LinkedHashMap<>();
          for (BreakerView b : breakers.breakers(null)) {
            for (String type : b.agentTypes()) {
              counts.merge(Tags.of("agent_type", type, "state", b.state()), 1L, Long::sum);
            }
          }
          List<MultiGauge.Row<?>> rows = new ArrayList<>();
          counts.forEach((tags, n) -> rows.add(MultiGauge.Row.of(tags, n)));
          breakerStates.register(rows, true);
        });
  }

  /** Each group's lag, over its partitions; a group that committed nothing yet is left out. */
  private Map<String, Long> lags()
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, Long> out = new TreeMap<>();
    ConsumerLag.read(admin, groups, TIMEOUT)
        .forEach(
            (group, partitions) -> {
              if (!partitions.isEmpty()) {
                out.put(group, partitions.values().stream().mapToLong(Long::longValue).sum());
              }
            });
    return out;
  }

  private interface Refresh {
    void run() throws Exception;
  }

  private void attempt(String what, Refresh refresh) {
    try {
      refresh.run();
      if (Boolean.TRUE.equals(failing.put(what, false))) {
        log.info("metrics: {} readable again", what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ProjectionUnavailableException e) {
      // starting, rebalancing or rebuilding: expected, and GET /health says so
    } catch (Exception e) {
      if (!Boolean.TRUE.equals(failing.put(what, true))) {
        log.warn("metrics: cannot read {} now, keeping the last values: {}", what, e.toString());
      }
    }
  }
}
