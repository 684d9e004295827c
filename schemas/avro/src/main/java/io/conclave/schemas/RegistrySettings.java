package io.conclave.schemas;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the schema registry is and whether producers may register new schemas.
 *
 * @param url the registry's v2 API, e.g. {@code http://127.0.0.1:18081/apis/registry/v2}
 * @param autoRegister register a schema on first use (development); off in production, where
 *     schemas are registered ahead of a deploy under the registry's compatibility rules
 * @param requestTimeout how long a call to the registry may take before it counts as unavailable
 *     ({@code conclave.registry.timeout-ms}, default 10000): a write then fails soon with a clear
 *     error instead of hanging, and a consumer retries instead of waiting on a registry that is
 *     away
 */
public record RegistrySettings(String url, boolean autoRegister, Duration requestTimeout) {
  /**
   * The time of a first call counts too, class loading of the client included: on a busy two-core
   * machine a cold CLI took more than 3 s to get its first answer from a registry that was up.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public RegistrySettings {
    Objects.requireNonNull(url, "registry url is required");
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("registry url must be http(s)://..., was " + url);
    }
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "conclave.registry.timeout-ms / CONCLAVE_REGISTRY_TIMEOUT_MS must be > 0, was "
              + requestTimeout.toMillis());
    }
  }

  public RegistrySettings(String url, boolean autoRegister) {
    this(url, autoRegister, DEFAULT_TIMEOUT);
  }
}
