package io.conclave.runtime.service;

import io.conclave.runtime.loop.LoopHealth;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A started service (a coordinator, a worker) as its Micronaut application runs it ({@link
 * ConclaveApplication}): its health ({@link LoopsHealthIndicator}), and when it breaks down.
 */
public interface RunningService extends AutoCloseable {
  /** Whether its partition loops are alive at {@code now}. */
  LoopHealth health(Instant now);

  /** Completes exceptionally as soon as the service broke down. */
  CompletableFuture<?> failed();
}
