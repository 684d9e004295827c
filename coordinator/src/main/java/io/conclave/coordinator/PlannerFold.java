package io.conclave.coordinator;

import io.conclave.core.StateFold;
import io.conclave.core.StateFoldProvider;
import io.conclave.core.Tally;
import java.util.Optional;

/** Tells the tools that read agents' logs that a shard's planner ({@code planner-<shard>}) keeps a tally. */
public final class PlannerFold implements StateFoldProvider {
  @Override
  public Optional<StateFold<?>> forAgentType(String agentType) {
    return CoordinatorHandler.PLANNER_TYPE.equals(agentType) ? Optional.of(Tally.FOLD) : Optional.empty();
  }
}
