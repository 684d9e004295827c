package io.conclave.runtime.env;

import java.util.Objects;

/**
 * One of Conclave's settings: its configuration key (a system property, or a key of the
 * projections' Micronaut configuration), the environment variable read when the key is not set, and
 * its default as text. The one statement of a setting's names and default: the services read it
 * through {@link EnvironmentLookup}, and the check of the configuration reference's tables
 * (docs/configuration.md) compares them with it.
 *
 * @param property the configuration key, e.g. {@code conclave.partitions}
 * @param variable the environment variable, e.g. {@code CONCLAVE_PARTITIONS}
 * @param fallback the value when neither is set, as text (a duration in milliseconds for a {@code
 *     -ms} setting); null or blank: none
 */
public record Setting(String property, String variable, String fallback) {
  public Setting {
    Objects.requireNonNull(property, "property");
    Objects.requireNonNull(variable, "variable");
  }

  /** A setting whose default is {@code fallback} as text (null: none). */
  public static Setting of(String property, String variable, Object fallback) {
    return new Setting(property, variable, fallback == null ? null : String.valueOf(fallback));
  }

  /**
   * Both spellings, as errors name the setting: {@code conclave.partitions / CONCLAVE_PARTITIONS}.
   */
  public String names() {
    return property + " / " + variable;
  }
}
