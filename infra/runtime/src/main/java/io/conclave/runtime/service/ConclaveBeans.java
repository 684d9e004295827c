package io.conclave.runtime.service;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.GroupTimings;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.loop.LoopClients;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.KafkaClientSecurity;
import io.conclave.runtime.topics.TopicNames;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.RegistrySettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What every Conclave Micronaut service (coordinator, worker, projections) is built from: its
 * {@link ConclaveSettings}, serdes, records, a lookup of its other settings, and Kafka clients
 * measured by its meter registry. The one bridge from Micronaut's configuration to the values the
 * components take.
 */
@Factory
public class ConclaveBeans {
  /**
   * The key Micronaut (and micronaut-kafka) read the Kafka cluster from, which environment variable
   * {@code KAFKA_BOOTSTRAP_SERVERS} sets; {@code conclave.kafka.bootstrap-servers}, which launchers
   * hand their children as a system property, takes precedence as it does for the CLI.
   */
  public static final String BOOTSTRAP_KEY = "kafka.bootstrap.servers";

  @Singleton
  ConclaveSettings settings(ConclaveProperties p, Environment environment) {
    String bootstrap =
        environment
            .getProperty("conclave.kafka.bootstrap-servers", String.class)
            .filter(s -> !s.isBlank())
            .or(() -> environment.getProperty(BOOTSTRAP_KEY, String.class))
            .orElse(ConclaveSettings.DEFAULT_BOOTSTRAP);
    return new ConclaveSettings(
        bootstrap.trim(),
        KafkaClientSecurity.from(lookup(environment)),
        new RegistrySettings(
            p.getRegistry().getUrl(),
            p.getRegistry().isAutoRegister(),
            Duration.ofMillis(p.getRegistry().getTimeoutMs())),
        new TopicNames(p.getTopicPrefix()),
        p.getAgentTypes(),
        p.getPartitions(),
        (short) p.getReplicationFactor(),
        new GroupTimings(
            Duration.ofMillis(p.getGroup().getSessionTimeoutMs()),
            Duration.ofMillis(p.getGroup().getHeartbeatIntervalMs()),
            Duration.ofMillis(p.getGroup().getMaxPollIntervalMs())),
        p.getSnapshot().getEvery(),
        Duration.ofMillis(p.getSaga().getDeadlineGraceMs()));
  }

  /**
   * The service's settings that are not {@link ConclaveProperties} (a planner, token budgets, the
   * model, ...), read through Micronaut's configuration by the {@link EnvironmentLookup} their
   * components take.
   */
  @Singleton
  EnvironmentLookup lookup(Environment environment) {
    // the pass-through Kafka client properties (conclave.kafka.client.<key>) are the only keys a
    // lookup lists (KafkaClientSecurity#from); every other key it asks for by name
    String prefix = KafkaClientSecurity.EXTRA_PREFIX;
    Map<Object, Object> listed = new HashMap<>();
    environment
        .getProperties(prefix.substring(0, prefix.length() - 1), StringConvention.RAW)
        .forEach((k, v) -> listed.put(prefix + k, v));
    Map<Object, Object> props =
        new AbstractMap<>() {
          @Override
          public Object get(Object key) {
            return environment.getProperty(key.toString(), String.class).orElse(null);
          }

          @Override
          public boolean containsKey(Object key) {
            return get(key) != null;
          }

          @Override
          public Set<Entry<Object, Object>> entrySet() {
            return listed.entrySet();
          }
        };
    return new EnvironmentLookup(System.getenv(), props);
  }

  @Singleton
  ConclaveSerdes serdes(ConclaveSettings settings) {
    return new ConclaveSerdes(settings.registry());
  }

  @Singleton
  ConclaveRecords records(ConclaveSettings settings, ConclaveSerdes serdes) {
    return new ConclaveRecords(settings, serdes);
  }

  /** The partition loops' Kafka clients, their metrics ({@code kafka_consumer_*}, ...) measured. */
  @Singleton
  LoopClients loopClients(MeterRegistry registry) {
    return new MeteredLoopClients(LoopClients.KAFKA, registry);
  }
}
