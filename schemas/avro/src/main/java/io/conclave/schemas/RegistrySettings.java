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

  private static final String V2 = "/apis/registry/v2";

  /**
   * The registry's Confluent-compatible API, where producers in other languages look schemas up by
   * subject ({@code <topic>-value}): the url with its {@code /apis/registry/v2} replaced by {@code
   * /apis/ccompat/v7}.
   *
   * @throws IllegalStateException if the url does not end with {@code /apis/registry/v2}
   */
  public String confluentCompatibleUrl() {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (!base.endsWith(V2)) {
      throw new IllegalStateException(
          "the registry url " + url + " does not end with " + V2 + ": where its ccompat API is");
    }
    return base.substring(0, base.length() - V2.length()) + "/apis/ccompat/v7";
  }
}
