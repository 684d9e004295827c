package io.conclave.projections.operations;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/**
 * One circuit breaker of one worker process, as it last reported.
 *
 * @param breaker what it protects, for whom, e.g. {@code model:gpt-4o-mini/research}
 * @param worker the worker process ({@code host-pid})
 * @param agentTypes the agent type whose calls go through it (a worker has one breaker per model
 *     and agent type)
 * @param state CLOSED, OPEN or HALF_OPEN
 * @param since when it reached that state (or the worker started, for a breaker that never changed)
 */
@Serdeable
public record BreakerView(
    String breaker, String worker, List<String> agentTypes, String state, Instant since) {}
