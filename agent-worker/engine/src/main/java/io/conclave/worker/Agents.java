package io.conclave.worker;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentProvider;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The agents of the {@link AgentProvider}s on the class path, highest priority first. Thread-safe. */
public final class Agents {
  private final List<AgentProvider> providers;

  public Agents(List<AgentProvider> providers) {
    this.providers = providers.stream().sorted(Comparator.comparingInt(AgentProvider::priority).reversed()).toList();
  }

  public static Agents fromClassPath() {
    return new Agents(ServiceLoader.load(AgentProvider.class).stream().map(ServiceLoader.Provider::get).toList());
  }

  /**
   * A new agent of {@code agentType}.
   *
   * @throws IllegalArgumentException if no provider supplies the type
   */
  public Agent<?> forType(String agentType) {
    for (AgentProvider p : providers) {
      var agent = p.agent(agentType);
      if (agent.isPresent()) {
        return agent.get();
      }
    }
    throw new IllegalArgumentException("no agent provider on the class path supplies agent type '" + agentType + "'");
  }
}
