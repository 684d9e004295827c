package io.conclave.worker;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentProvider;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import io.conclave.worker.remote.RemoteAgents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The agents of the {@link AgentProvider}s on the class path, highest priority first. The offline
 * demo agents ({@link OfflineAgents}) are not among them unless asked for ({@link #OFFLINE_AGENTS},
 * which {@code conclave dev} turns on): a worker whose agent jar is missing or misnamed refuses to
 * start instead of quietly running demo agents. Thread-safe.
 */
public final class Agents implements AutoCloseable {
  /**
   * Whether the offline demo agents serve the agent types no provider on the class path supplies.
   */
  public static final Setting OFFLINE_AGENTS =
      Setting.of("conclave.worker.offline-agents", "CONCLAVE_WORKER_OFFLINE_AGENTS", false);

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
   * The remote agents {@code env} maps agent types to ({@link RemoteAgents#AGENTS}), the providers
   * on the class path, and the offline demo agents if {@code env} turns {@link #OFFLINE_AGENTS} on.
   * Close it when its agents are no longer used (it stops the remote agents' model endpoint).
   */
  public static Agents fromEnvironment(EnvironmentLookup env) {
    Agents onClassPath = fromClassPath();
    RemoteAgents remote = RemoteAgents.fromEnvironment(env, Clock.systemUTC());
    if (!remote.urls().isEmpty()) {
      List<AgentProvider> all = new ArrayList<>(onClassPath.providers);
      all.add(remote);
      onClassPath = new Agents(all);
    }
    return Boolean.parseBoolean(env.get(OFFLINE_AGENTS))
        ? onClassPath.withOfflineAgents()
        : onClassPath;
  }

  /** Closes the providers that hold resources (the remote agents' model endpoint). */
  @Override
  public void close() {
    for (AgentProvider p : providers) {
      if (p instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          // closing: nothing left to do about it
        }
      }
    }
  }

  /**
   * The providers registered on {@code loader}'s class path.
   *
   * @throws IllegalStateException if a jar still registers its provider under the former name: its
   *     agents would silently be missing
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

  /** These providers, then the offline demo agents for every type none of them supplies. */
  public Agents withOfflineAgents() {
    if (providers.stream().anyMatch(p -> p instanceof OfflineAgents)) {
      return this;
    }
    List<AgentProvider> all = new ArrayList<>(providers);
    all.add(new OfflineAgents());
    return new Agents(all);
  }

  /**
   * A new agent of {@code agentType}.
   *
   * @throws IllegalArgumentException if no provider supplies the type, saying what to do about it
   */
  public Agent<?> forType(String agentType) {
    return find(agentType)
        .orElseThrow(() -> new IllegalArgumentException(missing(List.of(agentType))));
  }

  /**
   * A new agent of each of {@code agentTypes}, in their order.
   *
   * @throws IllegalStateException naming every type no provider supplies, and what to do about it
   */
  public List<Agent<?>> forTypes(List<String> agentTypes) {
    List<Agent<?>> agents = new ArrayList<>();
    List<String> unsupplied = new ArrayList<>();
    for (String type : agentTypes) {
      find(type).ifPresentOrElse(agents::add, () -> unsupplied.add(type));
    }
    if (!unsupplied.isEmpty()) {
      throw new IllegalStateException(missing(unsupplied));
    }
    return agents;
  }

  private Optional<Agent<?>> find(String agentType) {
    for (AgentProvider p : providers) {
      Optional<? extends Agent<?>> agent = p.agent(agentType);
      if (agent.isPresent()) {
        return Optional.of(agent.get());
      }
    }
    return Optional.empty();
  }

  /** What is missing, and what to do about it. */
  private static String missing(List<String> types) {
    return "no agent provider on the class path supplies the agent type"
        + (types.size() == 1 ? " " : "s ")
        + String.join(", ", types)
        + ": put the jar of their "
        + AgentProvider.class.getSimpleName()
        + " on the class path (CONCLAVE_CLASSPATH), map them to remote agents' URLs with "
        + RemoteAgents.AGENTS.property()
        + " ("
        + RemoteAgents.AGENTS.variable()
        + "), or set "
        + OFFLINE_AGENTS.property()
        + "=true ("
        + OFFLINE_AGENTS.variable()
        + "=true) to run the offline demo agents for them";
  }
}
