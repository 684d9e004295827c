package io.conclave.projections.agents;

import io.conclave.model.eventlog.Decision;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** One recorded decision of an agent, as the HTTP API shows it. */
@Serdeable
public record DecisionView(
    String agentId,
    long sequence,
    @Nullable String sagaId,
    @Nullable Integer stepIndex,
    String kind,
    String payload,
    Instant at,
    @Nullable Long leaderEpoch,
    @Nullable String model) {
  public static DecisionView of(Decision d) {
    return new DecisionView(
        d.agentId(),
        d.sequence(),
        d.sagaId().orElse(null),
        d.stepIndex().orElse(null),
        d.kind(),
        d.payload(),
        d.at(),
        d.leaderEpoch().orElse(null),
        d.model().orElse(null));
  }
}
