package io.conclave.launcher.cli;

import io.conclave.runtime.config.ConclaveSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a running {@code conclave dev} listens, and its HTTP API's admin token, written to {@code
 * .conclave/endpoints.properties} (readable by its owner only) so that CLI commands run from the
 * same directory find them. Explicit settings (system properties, environment) win.
 */
public final class Endpoints {
  public static final Path FILE = Path.of(".conclave", "endpoints.properties");
  public static final String HTTP_URL = "conclave.http.url";

  /** The key of the HTTP API's token in the file. */
  public static final String API_TOKEN = "conclave.api.token";

  /** The HTTP API's token for the CLI and scripts; wins over the file's. */
  public static final String API_TOKEN_ENV = "CONCLAVE_API_TOKEN";

  private Endpoints() {}

  /** Writes the file, readable and writable by its owner only (it holds {@code apiToken}). */
  public static void write(ConclaveSettings settings, String httpUrl, String apiToken)
      throws IOException {
    Properties p = new Properties();
    p.setProperty("conclave.kafka.bootstrap-servers", settings.bootstrapServers());
    p.setProperty("conclave.registry.url", settings.registry().url());
    p.setProperty("conclave.topic-prefix", settings.topics().prefix());
    p.setProperty("conclave.partitions", Integer.toString(settings.partitions()));
    p.setProperty(HTTP_URL, httpUrl);
    p.setProperty(API_TOKEN, apiToken);
    Files.createDirectories(FILE.getParent());
    // made owner-only before the token is in it, then moved over any older file
    Path written = FILE.resolveSibling(FILE.getFileName() + ".new");
    Files.deleteIfExists(written);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          written,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try (Writer w = Files.newBufferedWriter(written)) {
      p.store(w, "written by conclave dev; removed when it stops");
    }
    Files.move(written, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The HTTP API's token for a CLI command: {@value #API_TOKEN_ENV}, else a running dev launcher's.
   */
  public static Optional<String> apiToken() {
    String env = System.getenv(API_TOKEN_ENV);
    if (env != null && !env.isBlank()) {
      return Optional.of(env.trim());
    }
    return Optional.ofNullable(running().getProperty(API_TOKEN)).filter(t -> !t.isBlank());
  }

  /**
   * A new random token: 32 bytes from {@link SecureRandom}, URL-safe Base64 (no ',' or ':' to
   * escape).
   */
  public static String newApiToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static void delete() {
    try {
      Files.deleteIfExists(FILE);
    } catch (IOException e) {
      // nothing to clean up then
    }
  }

  /**
   * Settings for a CLI command: system properties, then environment, then a running dev launcher,
   * then defaults.
   */
  public static ConclaveSettings resolve() {
    Map<Object, Object> props = new HashMap<>(runningSettings());
    props.putAll(System.getProperties());
    return ConclaveSettings.from(System.getenv(), props);
  }

  /**
   * The settings of a running dev launcher that the environment does not override, by property name
   * (empty when none runs here): what a command, or a service run by {@code conclave worker}, takes
   * under its system properties.
   */
  public static Map<String, String> runningSettings() {
    Map<String, String> props = new HashMap<>();
    Properties running = running();
    Map<String, String> env = System.getenv();
    running.remove(
        API_TOKEN); // not a Kafka setting: it goes nowhere but the HTTP API's Authorization header
    running.forEach(
        (k, v) -> {
          boolean overriddenByEnv =
              ("conclave.kafka.bootstrap-servers".equals(k)
                      && env.containsKey("KAFKA_BOOTSTRAP_SERVERS"))
                  || ("conclave.registry.url".equals(k) && env.containsKey("CONCLAVE_REGISTRY_URL"))
                  || ("conclave.topic-prefix".equals(k)
                      && env.containsKey("CONCLAVE_TOPIC_PREFIX"));
          if (!overriddenByEnv) {
            props.put(k.toString(), v.toString());
          }
        });
    return props;
  }

  /**
   * Settings from system properties and environment only: what a new {@code conclave dev} starts
   * from.
   */
  public static ConclaveSettings resolveExplicit() {
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
