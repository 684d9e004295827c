package io.conclave.projections.runtime;

import io.conclave.runtime.config.ConclaveSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * A projections instance of {@code settings} in this JVM, on a free port, for the ITs against the
 * real stack.
 */
public final class TestProjections {
  private TestProjections() {}

  /**
   * With {@code overrides} on top of the settings' endpoints, topic prefix and a fresh state
   * directory.
   */
  public static EmbeddedServer start(ConclaveSettings settings, Map<String, Object> overrides)
      throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", -1);
    props.put("conclave.kafka.bootstrap-servers", settings.bootstrapServers());
    props.put("conclave.registry.url", settings.registry().url());
    props.put("conclave.topic-prefix", settings.topics().prefix());
    props.put("conclave.state-dir", Files.createTempDirectory("conclave-streams").toString());
    props.putAll(overrides);
    return ApplicationContext.run(EmbeddedServer.class, props);
  }
}
