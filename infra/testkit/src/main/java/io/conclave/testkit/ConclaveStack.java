package io.conclave.testkit;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.ConclaveTopics;
import io.conclave.runtime.provisioning.TopicProvisioner;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import io.conclave.schemas.SchemaCatalog;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;

/**
 * A real broker and a real registry, started together and stopped together. Each test class takes
 * its own {@link #isolated(String) topic namespace}, so classes sharing one stack cannot see each
 * other's records.
 */
public final class ConclaveStack implements AutoCloseable {
  private static final AtomicInteger namespaces = new AtomicInteger();

  private final EmbeddedKafka kafka;
  private final RegistryServer registry;

  /**
   * Whether closing this stack stops the broker and registry: false for a {@link #shared()} view.
   */
  private final boolean owner;

  private ConclaveStack(EmbeddedKafka kafka, RegistryServer registry) {
    this(kafka, registry, true);
  }

  private ConclaveStack(EmbeddedKafka kafka, RegistryServer registry, boolean owner) {
    this.kafka = kafka;
    this.registry = registry;
    this.owner = owner;
  }

  /** Starts broker and registry; the registry's output goes to {@code logDir/registry.log}. */
  public static ConclaveStack start(Path logDir) {
    return start(logDir, EmbeddedKafka.start());
  }

  /**
   * Starts a broker that takes only SASL and authorizes with ACLs ({@link
   * EmbeddedKafka#startWithSasl()}) and a registry; the settings of {@link #isolated} are the
   * broker's super user's.
   */
  public static ConclaveStack startWithSasl(Path logDir) {
    return start(logDir, EmbeddedKafka.startWithSasl());
  }

  /** As {@link #startWithSasl(Path)}, over TLS (SASL_SSL) with a certificate made for the test. */
  public static ConclaveStack startWithSaslSsl(Path logDir) {
    return start(logDir, EmbeddedKafka.startWithSasl(TestCertificates.create(logDir)));
  }

  private static ConclaveStack start(Path logDir, EmbeddedKafka kafka) {
    try {
      return new ConclaveStack(kafka, RegistryServer.start(logDir.resolve("registry.log")));
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The broker and how an administrator reaches it. */
  public KafkaAccess kafka() {
    return kafka.access();
  }

  public String registryUrl() {
    return registry.url();
  }

  /**
   * Settings for a fresh namespace of topics ({@code <name>-<n>.tasks}, ...), provisioned, with
   * every schema registered; consumer groups derive from the prefix too.
   */
  public ConclaveSettings isolated(String name) {
    String prefix = name.replaceAll("[^a-zA-Z0-9._-]", "-") + "-" + namespaces.incrementAndGet();
    ConclaveSettings settings =
        ConclaveSettings.from(Map.of(), Map.of())
            .withEndpoints(bootstrapServers(), registryUrl())
            .withKafkaSecurity(kafka.access().security())
            .withTopicPrefix(prefix);
    return prepare(settings);
  }

  /**
   * Provisions the topics of {@code settings} and registers their schemas; returns the settings.
   */
  public ConclaveSettings prepare(ConclaveSettings settings) {
    provision(settings);
    SchemaCatalog.registerAll(settings.registry(), settings.topics(), settings.agentTypes());
    return settings;
  }

  public TopicProvisioner.Report provision(ConclaveSettings settings) {
    try (Admin admin = admin()) {
      return new TopicProvisioner(admin).ensureOrThrow(ConclaveTopics.declarations(settings));
    }
  }

  public Admin admin() {
    return Admin.create(ClientConfigs.admin(kafka()));
  }

  /**
   * The same broker and registry, for a user that must not stop them: closing the view leaves them
   * running.
   */
  public ConclaveStack shared() {
    return new ConclaveStack(kafka, registry, false);
  }

  @Override
  public void close() {
    if (owner) {
      registry.close();
      kafka.close();
    }
  }
}
