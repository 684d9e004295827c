package io.conclave.runtime.security;

import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * How a Conclave process authenticates to Kafka and encrypts its connections: the security
 * protocol, the SASL mechanism and credentials (SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN), the TLS
 * trust and key stores, and extra client properties passed through as they are. {@link
 * #clientProperties()} is the one place that turns them into Kafka client properties; every
 * consumer, producer, admin client and Kafka Streams instance of Conclave gets them through {@link
 * KafkaAccess}.
 *
 * <p>Secrets (the SASL password, the store passwords) never appear in {@link #toString()}, and a
 * child process gets them through its environment ({@link #secretEnvironment()}), never on its
 * command line ({@link #asSystemProperties()}), where any user of the machine can read them.
 *
 * @param protocol {@code security.protocol}: PLAINTEXT (the default), SSL, SASL_PLAINTEXT or
 *     SASL_SSL
 * @param saslMechanism {@code sasl.mechanism} when the protocol is SASL_*, else null
 * @param username the SASL user, when the protocol is SASL_*
 * @param password the SASL user's password (a secret), when the protocol is SASL_*
 * @param truststore the trust store of SSL and SASL_SSL (null: the JDK's default trust)
 * @param keystore the key store, for clients that authenticate with a certificate (null: none)
 * @param extra further client properties ({@code conclave.kafka.client.<key>}), no secrets among
 *     them
 */
public record KafkaClientSecurity(
    String protocol,
    String saslMechanism,
    String username,
    String password,
    Store truststore,
    Store keystore,
    Map<String, String> extra) {
  public static final List<String> PROTOCOLS =
      List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  public static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

  /** The prefix of the pass-through client properties. */
  public static final String EXTRA_PREFIX = "conclave.kafka.client.";

  private static final Setting PROTOCOL =
      Setting.of("conclave.kafka.security-protocol", "KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
  private static final Setting MECHANISM =
      Setting.of("conclave.kafka.sasl.mechanism", "KAFKA_SASL_MECHANISM", MECHANISMS.get(0));
  private static final Setting USERNAME =
      Setting.of("conclave.kafka.sasl.username", "KAFKA_SASL_USERNAME", null);
  private static final Setting PASSWORD =
      Setting.of("conclave.kafka.sasl.password", "KAFKA_SASL_PASSWORD", null);
  private static final StoreSettings TRUSTSTORE = StoreSettings.of("truststore");
  private static final StoreSettings KEYSTORE = StoreSettings.of("keystore");

  /** The environment variables that carry the secrets. */
  public static final String PASSWORD_ENV = PASSWORD.variable();

  public static final String TRUSTSTORE_PASSWORD_ENV = TRUSTSTORE.password().variable();
  public static final String KEYSTORE_PASSWORD_ENV = KEYSTORE.password().variable();
  public static final List<String> SECRET_ENV =
      List.of(PASSWORD_ENV, TRUSTSTORE_PASSWORD_ENV, KEYSTORE_PASSWORD_ENV);

  /** The settings these are read from. */
  public static final List<Setting> SETTINGS =
      List.of(
          PROTOCOL,
          MECHANISM,
          USERNAME,
          PASSWORD,
          TRUSTSTORE.location(),
          TRUSTSTORE.password(),
          TRUSTSTORE.type(),
          KEYSTORE.location(),
          KEYSTORE.password(),
          KEYSTORE.type());

  private static final String REDACTED = "[redacted]";

  /**
   * Client properties whose values are secrets or would carry them: not to be set through the
   * pass-through.
   */
  private static final Set<String> OWNED =
      Set.of("security.protocol", "sasl.mechanism", "sasl.jaas.config", "bootstrap.servers");

  /**
   * A trust or key store file.
   *
   * @param location the file
   * @param password its password (a secret; null: none)
   * @param type JKS or PKCS12 (null: the JDK's default, PKCS12)
   */
  public record Store(String location, String password, String type) {
    public Store {
      Objects.requireNonNull(location, "location");
    }

    @Override
    public String toString() {
      return "Store[location="
          + location
          + ", password="
          + (password == null ? "none" : REDACTED)
          + ", type="
          + (type == null ? "default" : type)
          + "]";
    }
  }

  public KafkaClientSecurity {
    Objects.requireNonNull(protocol, "protocol");
    protocol = protocol.toUpperCase(Locale.ROOT);
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException(
          PROTOCOL.names() + " must be one of " + PROTOCOLS + ", was '" + protocol + "'");
    }
    if (isSasl(protocol)) {
      Objects.requireNonNull(saslMechanism, "saslMechanism");
      saslMechanism = saslMechanism.toUpperCase(Locale.ROOT);
      if (!MECHANISMS.contains(saslMechanism)) {
        throw new IllegalArgumentException(
            MECHANISM.names() + " must be one of " + MECHANISMS + ", was '" + saslMechanism + "'");
      }
      if (username == null || username.isBlank()) {
        throw new IllegalArgumentException(
            "security protocol "
                + protocol
                + " needs a user: set "
                + "conclave.kafka.sasl.username / KAFKA_SASL_USERNAME");
      }
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException(
            "security protocol "
                + protocol
                + " needs the password of user '"
                + username
                + "': set "
                + PASSWORD_ENV);
      }
      if (username.contains("\"")
          || password.contains("\"")
          || username.contains("\\")
          || password.contains("\\")) {
        throw new IllegalArgumentException(
            "a SASL user name or password must not contain '\"' or '\\' (they cannot be "
                + "quoted in sasl.jaas.config)");
      }
    } else if (username != null || password != null) {
      throw new IllegalArgumentException(
          "a SASL user is set but conclave.kafka.security-protocol / "
              + "KAFKA_SECURITY_PROTOCOL is "
              + protocol
              + ": use SASL_PLAINTEXT or SASL_SSL");
    } else {
      saslMechanism = null;
    }
    extra = Map.copyOf(extra);
    for (String key : extra.keySet()) {
      if (OWNED.contains(key)
          || key.contains("password")
          || key.startsWith("ssl.truststore.")
          || key.startsWith("ssl.keystore.")) {
        throw new IllegalArgumentException(
            EXTRA_PREFIX
                + key
                + " is not a pass-through property: use the Kafka "
                + "security settings (conclave.kafka.security-protocol, conclave.kafka.sasl.*, conclave.kafka.ssl.*)");
      }
    }
  }

  /**
   * No authentication, no encryption: the default, and what the embedded broker of {@code conclave
   * dev} speaks.
   */
  public static KafkaClientSecurity plaintext() {
    return new KafkaClientSecurity("PLAINTEXT", null, null, null, null, null, Map.of());
  }

  /** SASL/SCRAM-SHA-512 over plaintext connections. */
  public static KafkaClientSecurity scram(String username, String password) {
    return new KafkaClientSecurity(
        "SASL_PLAINTEXT", "SCRAM-SHA-512", username, password, null, null, Map.of());
  }

  /** The same security as another user (the protocol, mechanism and stores stay). */
  public KafkaClientSecurity as(String user, String userPassword) {
    return new KafkaClientSecurity(
        protocol, saslMechanism, user, userPassword, truststore, keystore, extra);
  }

  /** From system properties (or other configuration keys) and the environment; a property wins. */
  public static KafkaClientSecurity from(EnvironmentLookup l) {
    String protocol = l.get(PROTOCOL);
    boolean sasl = isSasl(protocol.toUpperCase(Locale.ROOT));
    Map<String, String> extra = new TreeMap<>();
    l.props()
        .forEach(
            (k, v) -> {
              String key = k.toString();
              if (key.startsWith(EXTRA_PREFIX) && v != null && !v.toString().isBlank()) {
                extra.put(key.substring(EXTRA_PREFIX.length()), v.toString().trim());
              }
            });
    return new KafkaClientSecurity(
        protocol,
        sasl ? l.get(MECHANISM) : null,
        sasl ? l.get(USERNAME) : null,
        sasl ? l.get(PASSWORD) : null,
        TRUSTSTORE.read(l),
        KEYSTORE.read(l),
        extra);
  }

  /**
   * The settings of a trust or key store: {@code conclave.kafka.ssl.<store>.*}, {@code
   * KAFKA_SSL_<STORE>_*}.
   */
  private record StoreSettings(Setting location, Setting password, Setting type) {
    static StoreSettings of(String store) {
      String property = "conclave.kafka.ssl." + store + ".";
      String variable = "KAFKA_SSL_" + store.toUpperCase(Locale.ROOT) + "_";
      return new StoreSettings(
          Setting.of(property + "location", variable + "LOCATION", null),
          Setting.of(property + "password", variable + "PASSWORD", null),
          Setting.of(property + "type", variable + "TYPE", null));
    }

    Store read(EnvironmentLookup l) {
      String at = l.get(location);
      return at == null ? null : new Store(at, l.get(password), l.get(type));
    }
  }

  private static boolean isSasl(String protocol) {
    return protocol.startsWith("SASL_");
  }

  /** Whether connections authenticate with SASL. */
  public boolean sasl() {
    return isSasl(protocol);
  }

  /**
   * The Kafka principal these settings authenticate as ({@code User:<name>}), or null without SASL.
   */
  public String principal() {
    return sasl() ? "User:" + username : null;
  }

  /**
   * The Kafka client properties of these settings: security.protocol, sasl.*, ssl.* and the
   * pass-through.
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> c = new LinkedHashMap<>(extra);
    c.put("security.protocol", protocol);
    if (sasl()) {
      c.put("sasl.mechanism", saslMechanism);
      String module =
          saslMechanism.equals("PLAIN")
              ? "org.apache.kafka.common.security.plain.PlainLoginModule"
              : "org.apache.kafka.common.security.scram.ScramLoginModule";
      c.put(
          "sasl.jaas.config",
          module + " required username=\"" + username + "\" password=\"" + password + "\";");
    }
    if (truststore != null) {
      putStore(c, "truststore", truststore);
    }
    if (keystore != null) {
      putStore(c, "keystore", keystore);
    }
    return c;
  }

  private static void putStore(Map<String, Object> c, String name, Store store) {
    c.put("ssl." + name + ".location", store.location());
    if (store.password() != null) {
      c.put("ssl." + name + ".password", store.password());
    }
    if (store.type() != null) {
      c.put("ssl." + name + ".type", store.type());
    }
  }

  /**
   * These settings as system properties for a child process, without any secret (see {@link
   * #secretEnvironment}).
   */
  public List<String> asSystemProperties() {
    List<String> p = new ArrayList<>();
    p.add("-Dconclave.kafka.security-protocol=" + protocol);
    if (sasl()) {
      p.add("-Dconclave.kafka.sasl.mechanism=" + saslMechanism);
      p.add("-Dconclave.kafka.sasl.username=" + username);
    }
    BiConsumer<String, Store> store =
        (name, s) -> {
          if (s != null) {
            p.add("-Dconclave.kafka.ssl." + name + ".location=" + s.location());
            if (s.type() != null) {
              p.add("-Dconclave.kafka.ssl." + name + ".type=" + s.type());
            }
          }
        };
    store.accept("truststore", truststore);
    store.accept("keystore", keystore);
    extra.forEach((k, v) -> p.add("-D" + EXTRA_PREFIX + k + "=" + v));
    return p;
  }

  /**
   * The secrets of these settings as environment variables of a child process ({@link
   * #SECRET_ENV}); a child reads them back with {@link #from}. Only the secrets that are set: a
   * caller clears the others first.
   */
  public Map<String, String> secretEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    if (password != null) {
      env.put(PASSWORD_ENV, password);
    }
    if (truststore != null && truststore.password() != null) {
      env.put(TRUSTSTORE_PASSWORD_ENV, truststore.password());
    }
    if (keystore != null && keystore.password() != null) {
      env.put(KEYSTORE_PASSWORD_ENV, keystore.password());
    }
    return env;
  }

  /**
   * Puts these settings' secrets into a child process's environment, replacing any the parent
   * passed down.
   */
  public void applySecretsTo(Map<String, String> childEnvironment) {
    SECRET_ENV.forEach(childEnvironment::remove);
    childEnvironment.putAll(secretEnvironment());
  }

  @Override
  public String toString() {
    return "KafkaClientSecurity[protocol="
        + protocol
        + (sasl()
            ? ", mechanism=" + saslMechanism + ", username=" + username + ", password=" + REDACTED
            : "")
        + (truststore == null ? "" : ", truststore=" + truststore)
        + (keystore == null ? "" : ", keystore=" + keystore)
        + (extra.isEmpty() ? "" : ", extra=" + extra)
        + "]";
  }
}
