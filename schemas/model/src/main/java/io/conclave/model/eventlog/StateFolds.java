package io.conclave.model.eventlog;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The folds of agent types known on this class path ({@link StateFoldProvider}s). Thread-safe. */
public final class StateFolds {
  private final List<StateFoldProvider> providers;

  public StateFolds(List<StateFoldProvider> providers) {
    this.providers =
        providers.stream()
            .sorted(Comparator.comparingInt(StateFoldProvider::priority).reversed())
            .toList();
  }

  /** The providers registered with {@link ServiceLoader} on the class path. */
  public static StateFolds fromClassPath() {
    return new StateFolds(
        ServiceLoader.load(StateFoldProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  /** The fold of the agent type, or {@link Tally#FOLD} when no provider knows it. */
  public StateFold<?> forAgentType(String agentType) {
    for (StateFoldProvider p : providers) {
      Optional<StateFold<?>> fold = p.forAgentType(agentType);
      if (fold.isPresent()) {
        return fold.get();
      }
    }
    return Tally.FOLD;
  }
}
