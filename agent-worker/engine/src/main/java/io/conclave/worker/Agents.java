package io.conclave.worker;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The agents of the {@link AgentProvider}s on the class path, highest priority first. Thread-safe.
 */
public final class Agents {
  private final List<AgentProvider> providers;

  public Agents(List<AgentProvider> providers) {
    this.providers =
        providers.stream()
            .sorted(Comparator.comparingInt(AgentProvider::priority).reversed())
            .toList();
  }

  /**
   * Where agents were registered before the agent API had its own package; nothing reads that file
   * any more.
   */
  static final String FORMER_REGISTRATION = "META-INF/services/io.conclave.worker.AgentProvider";

  public static Agents fromClassPath() {
    return fromClassPath(Thread.currentThread().getContextClassLoader());
  }

  /**
   * The providers registered on {@code loader}'s class path.
   *
   * @throws IllegalStateException if a jar still registers its provider under the former name: its
   *     agents would silently be replaced by offline ones
   */
  static Agents fromClassPath(ClassLoader loader) {
    List<URL> former;
    try {
      former = Collections.list(loader.getResources(FORMER_REGISTRATION));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!former.isEmpty()) {
      throw new IllegalStateException(
          former.get(0)
              + " registers an agent provider under its former name: rename it"
              + " to META-INF/services/"
              + AgentProvider.class.getName());
    }
    return new Agents(
        ServiceLoader.load(AgentProvider.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
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
    throw new IllegalArgumentException(
        "no agent provider on the class path supplies agent type '" + agentType + "'");
  }
}
