package io.conclave.launcher;

import io.conclave.kafka.ConclaveSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where a running {@code conclave dev} listens, written to {@code .conclave/endpoints.properties} so that CLI
 * commands run from the same directory find it. Explicit settings (system properties, environment) win.
 */
final class Endpoints {
  static final Path FILE = Path.of(".conclave", "endpoints.properties");
  static final String HTTP_URL = "conclave.http.url";

  private Endpoints() {}

  static void write(ConclaveSettings settings, String httpUrl) throws IOException {
    Properties p = new Properties();
    p.setProperty("conclave.kafka.bootstrap-servers", settings.bootstrapServers());
    p.setProperty("conclave.registry.url", settings.registry().url());
    p.setProperty("conclave.topic-prefix", settings.topics().prefix());
    p.setProperty("conclave.partitions", Integer.toString(settings.partitions()));
    p.setProperty(HTTP_URL, httpUrl);
    Files.createDirectories(FILE.getParent());
    try (Writer w = Files.newBufferedWriter(FILE)) {
      p.store(w, "written by conclave dev; removed when it stops");
    }
  }

  static void delete() {
    try {
      Files.deleteIfExists(FILE);
    } catch (IOException e) {
      // nothing to clean up then
    }
  }

  /** Settings for a CLI command: system properties, then environment, then a running dev launcher, then defaults. */
  static ConclaveSettings resolve() {
    Map<Object, Object> props = new HashMap<>();
    Properties running = running();
    Map<String, String> env = System.getenv();
    running.forEach((k, v) -> {
      boolean overriddenByEnv = ("conclave.kafka.bootstrap-servers".equals(k) && env.containsKey("KAFKA_BOOTSTRAP_SERVERS"))
          || ("conclave.registry.url".equals(k) && env.containsKey("CONCLAVE_REGISTRY_URL"))
          || ("conclave.topic-prefix".equals(k) && env.containsKey("CONCLAVE_TOPIC_PREFIX"));
      if (!overriddenByEnv) {
        props.put(k, v);
      }
    });
    props.putAll(System.getProperties());
    return ConclaveSettings.from(env, props);
  }

  /** Settings from system properties and environment only: what a new {@code conclave dev} starts from. */
  static ConclaveSettings resolveExplicit() {
    return ConclaveSettings.fromEnvironment();
  }

  private static Properties running() {
    Properties p = new Properties();
    if (Files.isRegularFile(FILE)) {
      try (Reader r = Files.newBufferedReader(FILE)) {
        p.load(r);
      } catch (IOException e) {
        // unreadable: fall back to the defaults
      }
    }
    return p;
  }
}
