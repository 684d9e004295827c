package io.conclave.agent;

import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.StateFoldProvider;
import java.util.Optional;

/**
 * Supplies the agents of some agent types, for the worker process and the re-drive tool; registered
 * with {@link java.util.ServiceLoader} under {@code
 * META-INF/services/io.conclave.agent.AgentProvider}. Register the same class under {@code
 * io.conclave.model.eventlog.StateFoldProvider} too, so that services that only read the agents'
 * logs (time travel in the projections) know their folds.
 */
public interface AgentProvider extends StateFoldProvider {
  /** A new agent of {@code agentType}, or empty if this provider does not supply that type. */
  Optional<Agent<?>> agent(String agentType);

  @Override
  default Optional<StateFold<?>> forAgentType(String agentType) {
    return agent(agentType).map(Agent::fold);
  }
}
