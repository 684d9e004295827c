package io.conclave.coordinator;

import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.StateFoldProvider;
import io.conclave.model.eventlog.Tally;
import java.util.Optional;

/**
 * Tells the tools that read agents' logs that a shard's planner ({@code planner-<shard>}) keeps a
 * tally.
 */
public final class PlannerFold implements StateFoldProvider {
  @Override
  public Optional<StateFold<?>> forAgentType(String agentType) {
    return CoordinatorHandler.PLANNER_TYPE.equals(agentType)
        ? Optional.of(Tally.FOLD)
        : Optional.empty();
  }
}
