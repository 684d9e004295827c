package io.conclave.projections.operations;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.annotation.SingleResult;
import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.management.endpoint.annotation.Read;
import io.micronaut.management.endpoint.annotation.Selector;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.aggregator.HealthAggregator;
import io.micronaut.management.health.indicator.HealthCheckType;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import java.security.Principal;
import java.util.Arrays;
import org.reactivestreams.Publisher;

/**
 * Micronaut's {@code /health} endpoint, whose {@code GET /health/readiness} leaves the schema
 * registry out ({@link RegistryHealth}); {@code GET /health} still reports it, and {@code GET
 * /health/liveness} is Micronaut's.
 *
 * <p>Readiness decides whether an instance stays behind the load balancer, and a registry outage is
 * the same for every instance: counting it would take all of them out at once, while the queries
 * still answer from the stores and only submissions fail (503 with a Retry-After). Micronaut's
 * readiness is every indicator but the liveness ones, and a liveness indicator would restart the
 * instances instead, hence this endpoint.
 */
@Replaces(HealthEndpoint.class)
@Endpoint(value = HealthEndpoint.NAME, defaultSensitive = HealthEndpoint.DEFAULT_SENSITIVE)
final class ReadinessWithoutRegistry extends HealthEndpoint {
  private final HealthAggregator<HealthResult> aggregator;
  private final HealthIndicator[] readiness;

  ReadinessWithoutRegistry(
      HealthAggregator<HealthResult> aggregator,
      HealthIndicator[] all,
      @Liveness HealthIndicator[] liveness) {
    super(aggregator, all, liveness);
    this.aggregator = aggregator;
    this.readiness =
        Arrays.stream(getReadinessHealthIndicators(all, liveness))
            .filter(indicator -> !(indicator instanceof RegistryHealth))
            .toArray(HealthIndicator[]::new);
  }

  @Read
  @SingleResult
  @Override
  public Publisher<HealthResult> getHealth(
      @Nullable Principal principal, @Selector HealthCheckType selector) {
    return selector == HealthCheckType.READINESS
        ? aggregator.aggregate(readiness, levelOfDetail(principal))
        : super.getHealth(principal, selector);
  }
}
