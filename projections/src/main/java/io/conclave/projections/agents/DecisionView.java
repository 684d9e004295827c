package io.conclave.projections.agents;

import io.conclave.model.eventlog.Decision;
import io.conclave.schemas.CrdtJson;
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
        // a KNOWLEDGE decision carries its update typed and only a summary as payload; the API
        // shows the update as JSON, {"key": ..., "delta": <state>}, as it always showed the payload
        d.knowledge().map(CrdtJson::encodeUpdate).orElse(d.payload()),
        d.at(),
        d.leaderEpoch().orElse(null),
        d.model().orElse(null));
  }
}
