package io.conclave.runtime.service;

import io.conclave.runtime.loop.LoopHealth;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code loops} in {@code GET /health} and {@code /health/readiness}: UP while {@link LoopHealth}
 * says every partition loop of the {@link RunningService} is alive, else DOWN with the reasons;
 * each loop with its partitions and last poll. {@link Liveness} reports the same under {@code
 * loops-alive} in {@code /health/liveness}: a loop that broke down or stopped polling is reason to
 * restart the process, where Kafka being away (readiness) is not.
 */
@Singleton
@Requires(beans = RunningService.class)
public class LoopsHealthIndicator implements HealthIndicator {
  private final RunningService service;
  private final Clock clock;
  private final String name;

  @Inject
  LoopsHealthIndicator(RunningService service) {
    this(service, "loops");
  }

  private LoopsHealthIndicator(RunningService service, String name) {
    this.service = service;
    this.clock = Clock.systemUTC();
    this.name = name;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    return Publishers.just(result(name, service.health(clock.instant())));
  }

  /** {@code health} as the health endpoint shows it. */
  static HealthResult result(String name, LoopHealth health) {
    Map<String, Object> details = new LinkedHashMap<>();
    if (health instanceof LoopHealth.Down down) {
      details.put("reasons", down.reasons());
    }
    List<Map<String, Object>> shown = new ArrayList<>();
    for (LoopHealth.Status loop : loops(health)) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("name", loop.name());
      one.put("stopped", loop.stopped());
      one.put("partitions", loop.partitions());
      one.put("lastPoll", loop.lastPoll().map(Instant::toString).orElse(null));
      shown.add(one);
    }
    details.put("loops", shown);
    return HealthResult.builder(name)
        .status(health instanceof LoopHealth.Up ? HealthStatus.UP : HealthStatus.DOWN)
        .details(details)
        .build();
  }

  /** The loops {@code health} was read from. */
  static List<LoopHealth.Status> loops(LoopHealth health) {
    return health instanceof LoopHealth.Down down ? down.loops() : ((LoopHealth.Up) health).loops();
  }

  /** The same, as {@code loops-alive} in {@code /health/liveness}. */
  @Singleton
  @Liveness
  @Requires(beans = RunningService.class)
  static class Alive extends LoopsHealthIndicator {
    Alive(RunningService service) {
      super(service, "loops-alive");
    }
  }
}
