package io.conclave.worker;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentProvider;
import java.util.Optional;

/** Supplies an {@link OfflineAgent} for any agent type no other provider supplies. */
public final class OfflineAgents implements AgentProvider {
  @Override
  public Optional<Agent<?>> agent(String agentType) {
    return Optional.of(new OfflineAgent(agentType));
  }

  @Override
  public int priority() {
    return -100;
  }
}
