package io.conclave.examples.research;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentProvider;
import java.util.Optional;

/**
 * Supplies the example's agents to the worker (and their folds to the projections): registered in
 * {@code META-INF/services/io.conclave.agent.AgentProvider} and {@code
 * META-INF/services/io.conclave.model.eventlog.StateFoldProvider}.
 */
public final class ExampleAgents implements AgentProvider {
  @Override
  public Optional<Agent<?>> agent(String agentType) {
    return switch (agentType) {
      case ResearchAgent.TYPE -> Optional.of(ResearchAgent.create());
      case WriterAgent.TYPE -> Optional.of(WriterAgent.create(Publisher.LOG));
      default -> Optional.empty();
    };
  }
}
