package io.conclave.kafka;

import java.time.Duration;
import java.util.Map;

/**
 * Reads a setting from system properties ({@code conclave.x.y}) or, failing that, the environment
 * ({@code CONCLAVE_X_Y}); blank counts as unset. Errors name both spellings of the setting.
 */
public record EnvironmentLookup(Map<String, String> env, Map<Object, Object> props) {
  /** The process's environment and system properties. */
  public static EnvironmentLookup ofProcess() {
    return new EnvironmentLookup(System.getenv(), System.getProperties());
  }

  public String get(String property, String variable, String fallback) {
    Object p = props.get(property);
    if (p != null && !p.toString().isBlank()) {
      return p.toString().trim();
    }
    String e = env.get(variable);
    return e != null && !e.isBlank() ? e.trim() : fallback;
  }

  public int integer(String property, String variable, int fallback) {
    String raw = get(property, variable, Integer.toString(fallback));
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + " / " + variable + " must be a whole number, was '" + raw + "'");
    }
  }

  /** A duration in milliseconds. */
  public Duration millis(String property, String variable, Duration fallback) {
    return Duration.ofMillis(integer(property, variable, Math.toIntExact(fallback.toMillis())));
  }
}
