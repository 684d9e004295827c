package io.conclave.coordinator;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Chooses the coordinator's planner among the {@link PlannerProvider}s on the class path. */
public final class Planners {
  /** The name of the planner; {@code offline}, the demo planner, unless set. */
  public static final Setting PLANNER =
      Setting.of("conclave.coordinator.planner", "CONCLAVE_COORDINATOR_PLANNER", "offline");

  private final List<PlannerProvider> providers;

  public Planners(List<PlannerProvider> providers) {
    this.providers = List.copyOf(providers);
  }

  /** The providers registered on {@code loader}'s class path. */
  public static Planners fromClassPath(ClassLoader loader) {
    return new Planners(
        ServiceLoader.load(PlannerProvider.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  /**
   * The planner {@link #PLANNER} names in {@code env}.
   *
   * @throws IllegalStateException if no provider, or more than one, has that name, saying which
   *     names there are
   */
  public Planner select(ConclaveSettings settings, EnvironmentLookup env) {
    String name = env.get(PLANNER);
    List<PlannerProvider> named = providers.stream().filter(p -> p.name().equals(name)).toList();
    if (named.size() != 1) {
      throw new IllegalStateException(
          (named.isEmpty() ? "no planner" : named.size() + " planners")
              + " named '"
              + name
              + "' on the class path ("
              + PLANNER.property()
              + "); the planners there: "
              + String.join(
                  ", ", new TreeSet<>(providers.stream().map(PlannerProvider::name).toList())));
    }
    return named.get(0).planner(settings, env);
  }
}
