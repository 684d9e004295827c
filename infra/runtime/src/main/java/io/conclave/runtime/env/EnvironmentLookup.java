package io.conclave.runtime.env;

import java.time.Duration;
import java.util.Map;

/**
 * Reads a {@link Setting} from system properties ({@code conclave.x.y}) or, failing that, the
 * environment ({@code CONCLAVE_X_Y}), else takes its default; blank counts as unset. Errors name
 * both spellings of the setting.
 */
public record EnvironmentLookup(Map<String, String> env, Map<Object, Object> props) {
  /** The process's environment and system properties. */
  public static EnvironmentLookup ofProcess() {
    return new EnvironmentLookup(System.getenv(), System.getProperties());
  }

  /** The setting's value, else its default (null if it has none). */
  public String get(Setting setting) {
    Object p = props.get(setting.property());
    if (p != null && !p.toString().isBlank()) {
      return p.toString().trim();
    }
    String e = env.get(setting.variable());
    return e != null && !e.isBlank() ? e.trim() : setting.fallback();
  }

  /** A whole number; the setting must have a value or a default. */
  public int integer(Setting setting) {
    String raw = get(setting);
    if (raw == null) {
      throw new IllegalArgumentException(setting.names() + " is not set");
    }
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          setting.names() + " must be a whole number, was '" + raw + "'");
    }
  }

  /** A duration in milliseconds. */
  public Duration millis(Setting setting) {
    return Duration.ofMillis(integer(setting));
  }
}
