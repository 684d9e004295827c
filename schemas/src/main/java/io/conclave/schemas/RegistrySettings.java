package io.conclave.schemas;

import java.util.Objects;

/**
 * Where the schema registry is and whether producers may register new schemas.
 *
 * @param url          the registry's v2 API, e.g. {@code http://127.0.0.1:18081/apis/registry/v2}
 * @param autoRegister register a schema on first use (development); off in production, where schemas are
 *                     registered ahead of a deploy under the registry's compatibility rules
 */
public record RegistrySettings(String url, boolean autoRegister) {
  public RegistrySettings {
    Objects.requireNonNull(url, "registry url is required");
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("registry url must be http(s)://..., was " + url);
    }
  }
}
