package io.conclave.testkit;

import io.conclave.runtime.security.KafkaAccess;
import io.conclave.runtime.security.KafkaClientSecurity;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.KRaftVersion;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined controller and broker) in this JVM, on a free loopback
 * port. Production metadata version and features (the test kit's default is an unstable testing
 * version).
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  /**
   * The super user of a {@link #startWithSasl() secured} broker (the test kit's own, authenticated
   * with PLAIN).
   */
  public static final String SUPER_USER = "plain-admin";

  private static final String SUPER_USER_PASSWORD = "plain-admin-secret";

  /** The node id of a {@link #startKeeping kept} broker; the same on every start of its files. */
  static final int KEPT_NODE_ID = 1;

  private final AutoCloseable server;
  private final String bootstrapServers;
  private final KafkaClientSecurity adminSecurity;

  private EmbeddedKafka(
      AutoCloseable server, String bootstrapServers, KafkaClientSecurity adminSecurity) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.adminSecurity = adminSecurity;
  }

  /** Broker settings for one node and fast group handover; {@code overrides} win. */
  public static Map<String, String> defaultBrokerConfig() {
    Map<String, String> c = new HashMap<>();
    c.put("offsets.topic.num.partitions", "1");
    c.put("offsets.topic.replication.factor", "1");
    c.put("transaction.state.log.num.partitions", "1");
    c.put("transaction.state.log.replication.factor", "1");
    c.put("transaction.state.log.min.isr", "1");
    c.put("group.initial.rebalance.delay.ms", "0");
    // let clients choose sub-second session timeouts for fast failover
    c.put("group.min.session.timeout.ms", "100");
    c.put("group.consumer.min.session.timeout.ms", "100");
    c.put("group.consumer.min.heartbeat.interval.ms", "50");
    c.put("auto.create.topics.enable", "false");
    c.put("log.cleaner.backoff.ms", "1000");
    return c;
  }

  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  public static EmbeddedKafka start(Map<String, String> overrides) {
    return start(overrides, Map.of(), KafkaClientSecurity.plaintext());
  }

  /**
   * A broker whose client listener takes only SASL (SCRAM-SHA-512 and SCRAM-SHA-256 for Conclave's
   * users, PLAIN for the {@link #SUPER_USER}), and authorizes every request with ACLs
   * (StandardAuthorizer, nothing allowed without one). {@link #access()} is the super user's; SCRAM
   * users are created through the admin API. The test kit writes the broker's JAAS file and points
   * this JVM's {@code java.security.auth.login.config} at it; Conclave's clients never read it
   * (they always set {@code sasl.jaas.config}).
   */
  public static EmbeddedKafka startWithSasl() {
    return startWithSasl(null);
  }

  /**
   * As {@link #startWithSasl()}, over TLS (SASL_SSL) with {@code tls}'s key store when it is not
   * null: clients then trust its trust store, and check that the broker's certificate names {@code
   * localhost}.
   */
  public static EmbeddedKafka startWithSasl(TestCertificates tls) {
    Map<String, String> sasl = new HashMap<>();
    sasl.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512,SCRAM-SHA-256");
    sasl.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    // the controller listener stays PLAINTEXT (this node registering with itself, as
    // User:ANONYMOUS); clients only
    // reach the SASL listener, where nobody is anonymous
    sasl.put("super.users", "User:" + SUPER_USER + ";User:ANONYMOUS");
    sasl.put("allow.everyone.if.no.acl.found", "false");
    Map<String, String> node = new HashMap<>();
    if (tls != null) {
      // the test kit sets up SASL_PLAINTEXT only; a node's own properties come last, so they turn
      // it into SASL_SSL
      node.put("listener.security.protocol.map", "EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT");
      node.put("ssl.keystore.location", tls.keystore().toString());
      node.put("ssl.keystore.password", tls.password());
      node.put("ssl.key.password", tls.password());
      node.put("ssl.keystore.type", "PKCS12");
      node.put("ssl.truststore.location", tls.truststore().toString());
      node.put("ssl.truststore.password", tls.password());
      node.put("ssl.truststore.type", "PKCS12");
    }
    KafkaClientSecurity admin =
        tls == null
            ? new KafkaClientSecurity(
                "SASL_PLAINTEXT", "PLAIN", SUPER_USER, SUPER_USER_PASSWORD, null, null, Map.of())
            : new KafkaClientSecurity(
                "SASL_SSL",
                "PLAIN",
                SUPER_USER,
                SUPER_USER_PASSWORD,
                new KafkaClientSecurity.Store(
                    tls.truststore().toString(), tls.password(), "PKCS12"),
                null,
                Map.of());
    return start(sasl, node, admin);
  }

  private static EmbeddedKafka start(
      Map<String, String> overrides,
      Map<String, String> nodeOverrides,
      KafkaClientSecurity adminSecurity) {
    boolean sasl = adminSecurity.sasl();
    long t0 = System.nanoTime();
    BootstrapMetadata metadata =
        BootstrapMetadata.fromVersions(
            MetadataVersion.latestProduction(), productionFeatures(), "conclave-embedded");
    try {
      // our own directory: the test kit's default one is deleted by a JVM shutdown hook that can
      // run while the broker is still stopping, which makes it halt the JVM ("all log dirs have
      // failed")
      Path baseDir = Files.createTempDirectory("conclave-kafka");
      TestKitNodes nodes =
          new TestKitNodes.Builder(metadata)
              .setBaseDirectory(baseDir)
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBrokerSecurityProtocol(
                  sasl ? SecurityProtocol.SASL_PLAINTEXT : SecurityProtocol.PLAINTEXT)
              .setPerServerProperties(Map.of(0, nodeOverrides))
              .build();
      KafkaClusterTestKit.Builder builder =
          new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
      Map<String, String> config = defaultBrokerConfig();
      config.putAll(overrides);
      config.forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafka kafka = new EmbeddedKafka(cluster, cluster.bootstrapServers(), adminSecurity);
      log.info(
          "Kafka broker ready at {} in {} ms",
          kafka.bootstrapServers(),
          (System.nanoTime() - t0) / 1_000_000);
      return kafka;
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not start the embedded Kafka broker: " + e.getMessage(), e);
    }
  }

  /**
   * A plaintext broker whose log directory and KRaft metadata live in {@code dir} and outlive it:
   * started again on the same {@code dir}, it is the same cluster (cluster id and node id are in
   * the files) with its topics, records and group offsets. The directory is formatted on the first
   * start only.
   *
   * <p>This is Kafka's own server ({@link KafkaRaftServer}, what {@code kafka-server-start} runs),
   * not the test kit: the test kit makes new node directory ids on every build and always formats.
   * The ports are fixed by the caller and should be the same on every start: clients keep their
   * bootstrap address, and the controller quorum is static ({@code controller.quorum.voters}, from
   * this configuration, never from the metadata log), so that nothing stored names a stale port.
   * The address the broker advertises is stored in the metadata log, but as its registration, which
   * the broker renews on each start.
   *
   * @param brokerPort the client listener's loopback port
   * @param controllerPort the KRaft controller listener's loopback port
   */
  public static EmbeddedKafka startKeeping(Path dir, int brokerPort, int controllerPort) {
    long t0 = System.nanoTime();
    Path logs = dir.toAbsolutePath().resolve("logs");
    Map<String, Object> config = new HashMap<>(defaultBrokerConfig());
    config.put("process.roles", "broker,controller");
    config.put("node.id", Integer.toString(KEPT_NODE_ID));
    config.put("controller.quorum.voters", KEPT_NODE_ID + "@localhost:" + controllerPort);
    config.put("controller.listener.names", "CONTROLLER");
    config.put(
        "listeners",
        "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("log.dirs", logs.toString());
    try {
      boolean formatted = Files.exists(logs.resolve("meta.properties"));
      if (!formatted) {
        format(logs);
      }
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
      try {
        server.startup(); // returns once the broker has caught up with the metadata and is unfenced
      } catch (RuntimeException e) {
        // a port taken, the directory locked by another broker: let go of what did start (not
        // awaitShutdown: a part that never started would never say it stopped)
        try {
          server.shutdown();
        } catch (RuntimeException ignored) {
          e.addSuppressed(ignored);
        }
        throw e;
      }
      EmbeddedKafka kafka =
          new EmbeddedKafka(
              () -> {
                server.shutdown();
                server.awaitShutdown();
              },
              "localhost:" + brokerPort,
              KafkaClientSecurity.plaintext());
      log.info(
          "Kafka broker ready at {} in {} ms, data in {} ({})",
          kafka.bootstrapServers(),
          (System.nanoTime() - t0) / 1_000_000,
          dir,
          formatted ? "kept" : "new");
      return kafka;
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not start the Kafka broker on " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code kafka-storage format} for a new single-node cluster with a static quorum, at the same
   * production metadata version and features as {@link #start()}. kraft.version stays 0: version 1
   * is a dynamic quorum, which would store the controller's address in the metadata log.
   */
  private static void format(Path logs) throws Exception {
    Files.createDirectories(logs);
    Formatter formatter =
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(KEPT_NODE_ID)
            .setClusterId(Uuid.randomUuid().toString())
            .setDirectories(List.of(logs.toString()))
            .setMetadataLogDirectory(logs.toString())
            .setControllerListenerName("CONTROLLER")
            .setReleaseVersion(MetadataVersion.latestProduction());
    productionFeatures().entrySet().stream()
        .filter(f -> !f.getKey().equals(KRaftVersion.FEATURE_NAME))
        .forEach(f -> formatter.setFeatureLevel(f.getKey(), f.getValue()));
    formatter.run();
  }

  private static Map<String, Short> productionFeatures() {
    Map<String, Short> features = new HashMap<>();
    for (Feature f : Feature.PRODUCTION_FEATURES) {
      features.put(f.featureName(), f.latestProduction());
    }
    return features;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * How an administrator reaches the broker: plaintext, or the super user of a {@link
   * #startWithSasl() secured} one.
   */
  public KafkaAccess access() {
    return new KafkaAccess(bootstrapServers(), adminSecurity);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (Exception e) {
      log.warn("embedded Kafka did not close cleanly: {}", e.toString());
    }
  }
}
