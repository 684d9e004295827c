package io.conclave.projections;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** One step of a task's saga: PENDING, COMPLETED, FAILED or COMPENSATED. */
@Serdeable
public record StepView(int index, String agentType, String action, String status, @Nullable String output,
                       @Nullable String error, @Nullable Instant updatedAt) {
  public static final String PENDING = "PENDING";
  public static final String COMPLETED = "COMPLETED";
  public static final String FAILED = "FAILED";
  public static final String COMPENSATED = "COMPENSATED";
}
