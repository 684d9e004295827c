package io.conclave.model.eventlog;

import java.util.Optional;

/**
 * Tells Conclave's tools which {@link StateFold} an agent type's state has, so that services that
 * do not run the agent (the projections' time travel, the re-drive tool) can fold its log.
 * Registered with {@link java.util.ServiceLoader} ({@code
 * META-INF/services/io.conclave.model.eventlog.StateFoldProvider}).
 */
public interface StateFoldProvider {
  /** The fold of {@code agentType}'s state, or empty if this provider does not know the type. */
  Optional<StateFold<?>> forAgentType(String agentType);

  /**
   * When several providers know a type, the highest priority wins; a catch-all should answer below
   * 0.
   */
  default int priority() {
    return 0;
  }
}
