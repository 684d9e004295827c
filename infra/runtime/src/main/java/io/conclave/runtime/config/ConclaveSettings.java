package io.conclave.runtime.config;

import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import io.conclave.runtime.security.KafkaAccess;
import io.conclave.runtime.security.KafkaClientSecurity;
import io.conclave.runtime.topics.TopicNames;
import io.conclave.schemas.RegistrySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Where Conclave's Kafka cluster and schema registry are, and how its topics are laid out. Read
 * from the environment ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code CONCLAVE_REGISTRY_URL}, ...) with
 * system properties ({@code -Dconclave.kafka.bootstrap-servers=...}) taking precedence.
 *
 * @param kafkaSecurity how every Kafka client of the process authenticates and encrypts ({@link
 *     KafkaClientSecurity})
 * @param agentTypes the agent types whose command and compensation topics are provisioned
 * @param partitions partitions of each partitioned topic (shards of conclave.tasks, parallelism of
 *     commands)
 * @param replicationFactor replication of every topic; {@code min.insync.replicas} is one less (at
 *     least 1)
 * @param groups failure detection of the coordinator and worker groups ({@code
 *     conclave.group.*-ms})
 * @param snapshotEvery decisions of an agent between two snapshots of its state ({@code
 *     conclave.snapshot.every}); 0 takes none
 * @param deadlineGrace how long past a saga step's deadline the shard leader waits for the worker's
 *     report before it fails the step itself ({@code conclave.saga.deadline-grace-ms}, default
 *     2000): more than a worker may take between its deadline check and its commit, and than the
 *     clocks' skew
 */
public record ConclaveSettings(
    String bootstrapServers,
    KafkaClientSecurity kafkaSecurity,
    RegistrySettings registry,
    TopicNames topics,
    List<String> agentTypes,
    int partitions,
    short replicationFactor,
    GroupTimings groups,
    int snapshotEvery,
    Duration deadlineGrace) {
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:19092";
  public static final String DEFAULT_REGISTRY = "http://127.0.0.1:18081/apis/registry/v2";
  public static final List<String> DEFAULT_AGENT_TYPES = List.of("research", "analysis", "write");
  public static final int DEFAULT_SNAPSHOT_EVERY = 1000;
  public static final int DEFAULT_DEADLINE_GRACE_MS = 2000;
  private static final Setting BOOTSTRAP_SERVERS =
      Setting.of("conclave.kafka.bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP);
  private static final Setting REGISTRY_URL =
      Setting.of("conclave.registry.url", "CONCLAVE_REGISTRY_URL", DEFAULT_REGISTRY);
  private static final Setting AUTO_REGISTER =
      Setting.of("conclave.registry.auto-register", "CONCLAVE_REGISTRY_AUTO_REGISTER", true);
  private static final Setting REGISTRY_TIMEOUT =
      Setting.of(
          "conclave.registry.timeout-ms",
          "CONCLAVE_REGISTRY_TIMEOUT_MS",
          RegistrySettings.DEFAULT_TIMEOUT.toMillis());
  private static final Setting TOPIC_PREFIX =
      Setting.of("conclave.topic-prefix", "CONCLAVE_TOPIC_PREFIX", "conclave");
  private static final Setting AGENT_TYPES =
      Setting.of(
          "conclave.agent-types", "CONCLAVE_AGENT_TYPES", String.join(",", DEFAULT_AGENT_TYPES));
  private static final Setting PARTITIONS =
      Setting.of("conclave.partitions", "CONCLAVE_PARTITIONS", 3);
  private static final Setting REPLICATION_FACTOR =
      Setting.of("conclave.replication-factor", "CONCLAVE_REPLICATION_FACTOR", 1);
  private static final Setting SESSION_TIMEOUT =
      Setting.of(
          "conclave.group.session-timeout-ms",
          "CONCLAVE_GROUP_SESSION_TIMEOUT_MS",
          GroupTimings.defaults().sessionTimeout().toMillis());
  private static final Setting HEARTBEAT =
      Setting.of(
          "conclave.group.heartbeat-interval-ms",
          "CONCLAVE_GROUP_HEARTBEAT_INTERVAL_MS",
          GroupTimings.defaults().heartbeat().toMillis());
  private static final Setting MAX_POLL_INTERVAL =
      Setting.of(
          "conclave.group.max-poll-interval-ms",
          "CONCLAVE_GROUP_MAX_POLL_INTERVAL_MS",
          GroupTimings.defaults().maxPollInterval().toMillis());
  private static final Setting SNAPSHOT_EVERY =
      Setting.of("conclave.snapshot.every", "CONCLAVE_SNAPSHOT_EVERY", DEFAULT_SNAPSHOT_EVERY);
  private static final Setting DEADLINE_GRACE =
      Setting.of(
          "conclave.saga.deadline-grace-ms",
          "CONCLAVE_SAGA_DEADLINE_GRACE_MS",
          DEFAULT_DEADLINE_GRACE_MS);

  /**
   * The settings read here, Kafka's security ones ({@link KafkaClientSecurity#SETTINGS}) included.
   */
  public static final List<Setting> SETTINGS =
      Stream.concat(
              Stream.of(
                  BOOTSTRAP_SERVERS,
                  REGISTRY_URL,
                  AUTO_REGISTER,
                  REGISTRY_TIMEOUT,
                  TOPIC_PREFIX,
                  AGENT_TYPES,
                  PARTITIONS,
                  REPLICATION_FACTOR,
                  SESSION_TIMEOUT,
                  HEARTBEAT,
                  MAX_POLL_INTERVAL,
                  SNAPSHOT_EVERY,
                  DEADLINE_GRACE),
              KafkaClientSecurity.SETTINGS.stream())
          .toList();

  /** The system properties (or other configuration keys) these settings are read from. */
  public static final List<String> PROPERTY_KEYS =
      SETTINGS.stream().map(Setting::property).toList();

  public ConclaveSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(kafkaSecurity, "kafkaSecurity");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(groups, "groups");
    agentTypes = List.copyOf(agentTypes);
    agentTypes.forEach(topics::commands); // validates each name
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication factor must be >= 1, was " + replicationFactor);
    }
    if (snapshotEvery < 0) {
      throw new IllegalArgumentException(
          SNAPSHOT_EVERY.names() + " must be >= 0 (0: no " + "snapshots), was " + snapshotEvery);
    }
    Objects.requireNonNull(deadlineGrace, "deadlineGrace");
    if (deadlineGrace.isNegative()) {
      throw new IllegalArgumentException(
          DEADLINE_GRACE.names() + " must be " + ">= 0, was " + deadlineGrace.toMillis());
    }
  }

  /** Settings from the process environment and system properties. */
  public static ConclaveSettings fromEnvironment() {
    return from(System.getenv(), System.getProperties());
  }

  /**
   * Settings from the given environment and properties; a property wins over its environment
   * variable.
   */
  public static ConclaveSettings from(Map<String, String> env, Map<Object, Object> props) {
    EnvironmentLookup l = new EnvironmentLookup(env, props);
    return new ConclaveSettings(
        l.get(BOOTSTRAP_SERVERS),
        KafkaClientSecurity.from(l),
        new RegistrySettings(
            l.get(REGISTRY_URL),
            Boolean.parseBoolean(l.get(AUTO_REGISTER)),
            l.millis(REGISTRY_TIMEOUT)),
        new TopicNames(l.get(TOPIC_PREFIX)),
        Arrays.stream(l.get(AGENT_TYPES).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList(),
        l.integer(PARTITIONS),
        replicationFactor(l.integer(REPLICATION_FACTOR)),
        new GroupTimings(
            l.millis(SESSION_TIMEOUT), l.millis(HEARTBEAT), l.millis(MAX_POLL_INTERVAL)),
        l.integer(SNAPSHOT_EVERY),
        l.millis(DEADLINE_GRACE));
  }

  private static short replicationFactor(int value) {
    if (value < 1 || value > Short.MAX_VALUE) {
      throw new IllegalArgumentException(
          REPLICATION_FACTOR.names()
              + " must be between 1 and "
              + Short.MAX_VALUE
              + ", was "
              + value);
    }
    return (short) value;
  }

  /**
   * Where the Kafka cluster is and how to authenticate to it: what every Kafka client of the
   * process is built from.
   */
  public KafkaAccess kafka() {
    return new KafkaAccess(bootstrapServers, kafkaSecurity);
  }

  /** The same settings, authenticating to Kafka with {@code security}. */
  public ConclaveSettings withKafkaSecurity(KafkaClientSecurity security) {
    return new ConclaveSettings(
        bootstrapServers,
        security,
        registry,
        topics,
        agentTypes,
        partitions,
        replicationFactor,
        groups,
        snapshotEvery,
        deadlineGrace);
  }

  /** The same settings against another cluster and registry. */
  public ConclaveSettings withEndpoints(String bootstrapServers, String registryUrl) {
    return new ConclaveSettings(
        bootstrapServers,
        kafkaSecurity,
        new RegistrySettings(registryUrl, registry.autoRegister(), registry.requestTimeout()),
        topics,
        agentTypes,
        partitions,
        replicationFactor,
        groups,
        snapshotEvery,
        deadlineGrace);
  }

  public ConclaveSettings withTopicPrefix(String prefix) {
    return new ConclaveSettings(
        bootstrapServers,
        kafkaSecurity,
        registry,
        new TopicNames(prefix),
        agentTypes,
        partitions,
        replicationFactor,
        groups,
        snapshotEvery,
        deadlineGrace);
  }

  public ConclaveSettings withAutoRegister(boolean autoRegister) {
    return new ConclaveSettings(
        bootstrapServers,
        kafkaSecurity,
        new RegistrySettings(registry.url(), autoRegister, registry.requestTimeout()),
        topics,
        agentTypes,
        partitions,
        replicationFactor,
        groups,
        snapshotEvery,
        deadlineGrace);
  }

  public ConclaveSettings withGroups(GroupTimings timings) {
    return new ConclaveSettings(
        bootstrapServers,
        kafkaSecurity,
        registry,
        topics,
        agentTypes,
        partitions,
        replicationFactor,
        timings,
        snapshotEvery,
        deadlineGrace);
  }

  public ConclaveSettings withPartitions(int count) {
    return new ConclaveSettings(
        bootstrapServers,
        kafkaSecurity,
        registry,
        topics,
        agentTypes,
        count,
        replicationFactor,
        groups,
        snapshotEvery,
        deadlineGrace);
  }

  /**
   * The same settings with a snapshot of each agent's state every {@code decisions} decisions (0:
   * none).
   */
  public ConclaveSettings withSnapshotEvery(int decisions) {
    return new ConclaveSettings(
        bootstrapServers,
        kafkaSecurity,
        registry,
        topics,
        agentTypes,
        partitions,
        replicationFactor,
        groups,
        decisions,
        deadlineGrace);
  }

  /** The same settings with another deadline grace for saga steps. */
  public ConclaveSettings withDeadlineGrace(Duration grace) {
    return new ConclaveSettings(
        bootstrapServers,
        kafkaSecurity,
        registry,
        topics,
        agentTypes,
        partitions,
        replicationFactor,
        groups,
        snapshotEvery,
        grace);
  }

  /**
   * These settings as system properties, to hand to a child process; secrets are not among them
   * (they would show on its command line): hand the child {@link KafkaClientSecurity#applySecretsTo
   * its environment} too.
   */
  public List<String> asSystemProperties() {
    List<String> p =
        new ArrayList<>(
            List.of(
                "-Dconclave.kafka.bootstrap-servers=" + bootstrapServers,
                "-Dconclave.registry.url=" + registry.url(),
                "-Dconclave.registry.auto-register=" + registry.autoRegister(),
                "-Dconclave.registry.timeout-ms=" + registry.requestTimeout().toMillis(),
                "-Dconclave.topic-prefix=" + topics.prefix(),
                "-Dconclave.agent-types=" + String.join(",", agentTypes),
                "-Dconclave.partitions=" + partitions,
                "-Dconclave.replication-factor=" + replicationFactor,
                "-Dconclave.group.session-timeout-ms=" + groups.sessionTimeout().toMillis(),
                "-Dconclave.group.heartbeat-interval-ms=" + groups.heartbeat().toMillis(),
                "-Dconclave.group.max-poll-interval-ms=" + groups.maxPollInterval().toMillis(),
                "-Dconclave.snapshot.every=" + snapshotEvery,
                "-Dconclave.saga.deadline-grace-ms=" + deadlineGrace.toMillis()));
    p.addAll(kafkaSecurity.asSystemProperties());
    return List.copyOf(p);
  }
}
