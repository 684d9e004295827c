package io.conclave.projections.operations;

import io.conclave.runtime.config.ConclaveSettings;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code schemaRegistry} in {@code GET /health}: UP when the schema registry answers {@code GET
 * <url>/system/info} with 200 within {@link #TIMEOUT}, DOWN with the reason otherwise. Without it
 * the projections cannot read a record whose schema they have not cached yet. Not part of {@code
 * GET /health/readiness} ({@link ReadinessWithoutRegistry}).
 */
@Singleton
final class RegistryHealth extends AbstractHealthIndicator<Map<String, Object>> {
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final URI info;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  RegistryHealth(ConclaveSettings settings) {
    String url = settings.registry().url();
    this.info = URI.create((url.endsWith("/") ? url : url + "/") + "system/info");
  }

  @Override
  protected String getName() {
    return "schemaRegistry";
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    Map<String, Object> details = new LinkedHashMap<>();
    // without any user info a URL might carry
    details.put(
        "url",
        info.getScheme()
            + "://"
            + info.getHost()
            + (info.getPort() < 0 ? "" : ":" + info.getPort())
            + info.getPath());
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(info).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() == 200) {
        healthStatus = HealthStatus.UP;
      } else {
        healthStatus = HealthStatus.DOWN;
        details.put("error", "the schema registry answered " + response.statusCode());
      }
    } catch (IOException e) {
      healthStatus = HealthStatus.DOWN;
      details.put("error", "the schema registry is unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      healthStatus = HealthStatus.DOWN;
      details.put("error", "interrupted");
    }
    return details;
  }
}
