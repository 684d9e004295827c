package io.conclave.coordinator;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;

/**
 * A planner a coordinator process can be configured with, by name ({@link Planners#PLANNER}).
 * Register implementations for {@link java.util.ServiceLoader} in {@code
 * META-INF/services/io.conclave.coordinator.PlannerProvider} and put their jar on the coordinator's
 * class path ({@code CONCLAVE_CLASSPATH}).
 */
public interface PlannerProvider {
  /** The name that selects this planner, e.g. {@code offline}: unique on a class path. */
  String name();

  /**
   * A new planner for the installation {@code settings} describe; it may read settings of its own
   * from {@code env}. The coordinator wraps it in its time limit and retries ({@link
   * ResilientPlanner}).
   *
   * @throws IllegalStateException if its own settings are missing or wrong, saying which
   */
  Planner planner(ConclaveSettings settings, EnvironmentLookup env);
}
