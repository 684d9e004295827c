package io.conclave.launcher.cli;

import io.conclave.runtime.security.KafkaClientSecurity;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options of every command that say which cluster it talks to: {@code --bootstrap-server},
 * {@code --registry-url} and {@code --command-config} (a Kafka client properties file, as Kafka's
 * own tools take it). They become the Conclave settings' system properties for the command's run
 * ({@link #systemProperties}), so they win over the environment and a running {@code conclave dev},
 * and every Kafka client the command creates, a service's included, gets them through {@link
 * io.conclave.runtime.config.ConclaveSettings}.
 */
public final class ClusterOptions {
  static final String BOOTSTRAP = "conclave.kafka.bootstrap-servers";
  static final String REGISTRY = "conclave.registry.url";

  /** {@code username="..."} or {@code password="..."} in a {@code sasl.jaas.config}. */
  private static final Pattern JAAS_OPTION =
      Pattern.compile("(username|password)\\s*=\\s*\"([^\"]*)\"");

  /**
   * Kafka client properties of the file that have a Conclave setting of their own; the others go
   * through as {@value KafkaClientSecurity#EXTRA_PREFIX}{@code <key>}.
   */
  private static final Map<String, String> OWN_SETTINGS =
      Map.ofEntries(
          Map.entry("bootstrap.servers", BOOTSTRAP),
          Map.entry("security.protocol", "conclave.kafka.security-protocol"),
          Map.entry("sasl.mechanism", "conclave.kafka.sasl.mechanism"),
          Map.entry("ssl.truststore.location", "conclave.kafka.ssl.truststore.location"),
          Map.entry("ssl.truststore.password", "conclave.kafka.ssl.truststore.password"),
          Map.entry("ssl.truststore.type", "conclave.kafka.ssl.truststore.type"),
          Map.entry("ssl.keystore.location", "conclave.kafka.ssl.keystore.location"),
          Map.entry("ssl.keystore.password", "conclave.kafka.ssl.keystore.password"),
          Map.entry("ssl.keystore.type", "conclave.kafka.ssl.keystore.type"));

  @Option(
      names = "--bootstrap-server",
      paramLabel = "HOST:PORT",
      scope = ScopeType.INHERIT,
      description = "the Kafka cluster (default: KAFKA_BOOTSTRAP_SERVERS, a running conclave dev)")
  String bootstrapServer;

  @Option(
      names = "--registry-url",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description = "the schema registry (default: CONCLAVE_REGISTRY_URL, a running conclave dev)")
  String registryUrl;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) for every Kafka client of the command")
  Path commandConfig;

  /**
   * The Conclave settings these options give, as system properties: the file's first, the flags
   * over them.
   *
   * @throws IllegalArgumentException if the file cannot be read or holds a property Conclave cannot
   *     take (a JAAS login other than SCRAM's or PLAIN's)
   */
  public Map<String, String> systemProperties() {
    Map<String, String> out = new LinkedHashMap<>();
    if (commandConfig != null) {
      out.putAll(fromClientProperties(read(commandConfig), commandConfig.toString()));
    }
    if (bootstrapServer != null) {
      out.put(BOOTSTRAP, bootstrapServer);
    }
    if (registryUrl != null) {
      out.put(REGISTRY, registryUrl);
    }
    return out;
  }

  /**
   * Kafka client properties as Conclave settings: the security ones to their settings ({@code
   * sasl.jaas.config} to the user and password), the others passed through.
   *
   * @param source where they come from, for the error message
   */
  static Map<String, String> fromClientProperties(Properties client, String source) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : client.stringPropertyNames()) {
      String value = client.getProperty(key).trim();
      if (key.equals("sasl.jaas.config")) {
        out.putAll(jaasUser(value, source));
      } else {
        out.put(OWN_SETTINGS.getOrDefault(key, KafkaClientSecurity.EXTRA_PREFIX + key), value);
      }
    }
    return out;
  }

  private static Map<String, String> jaasUser(String jaas, String source) {
    if (!jaas.contains("ScramLoginModule") && !jaas.contains("PlainLoginModule")) {
      throw new IllegalArgumentException(
          source
              + ": sasl.jaas.config must use the ScramLoginModule or the PlainLoginModule (Conclave "
              + "authenticates with SCRAM or PLAIN)");
    }
    Map<String, String> user = new LinkedHashMap<>();
    Matcher m = JAAS_OPTION.matcher(jaas);
    while (m.find()) {
      user.put("conclave.kafka.sasl." + m.group(1), m.group(2));
    }
    if (user.size() != 2) {
      throw new IllegalArgumentException(
          source + ": sasl.jaas.config must give username=\"...\" and password=\"...\"");
    }
    return user;
  }

  private static Properties read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--command-config " + file + ": cannot read it (" + e + ")");
    }
    return p;
  }

  /**
   * Runs {@code command} with {@code properties} set as system properties, then puts back what was
   * there: a command run in a test's JVM leaves no settings behind.
   */
  public static <T> T withSystemProperties(
      Map<String, String> properties, java.util.function.Supplier<T> command) {
    Map<String, String> before = new LinkedHashMap<>();
    properties.keySet().forEach(k -> before.put(k, System.getProperty(k)));
    properties.forEach(System::setProperty);
    try {
      return command.get();
    } finally {
      before.forEach(
          (k, v) -> {
            if (v == null) {
              System.clearProperty(k);
            } else {
              System.setProperty(k, v);
            }
          });
    }
  }
}
