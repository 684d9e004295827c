package io.conclave.projections;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How the projections' Kafka Streams instances are configured: the {@code conclave.streams.*} settings (any
 * {@link StreamsConfig} key) plus the cluster, the application id and a state directory per start. Immutable.
 *
 * @param applicationId    the application id, which is also the consumer group and the prefix of the internal topics
 * @param bootstrapServers the Kafka cluster
 * @param stateRoot        each start keeps its local state in a fresh directory below this one
 * @param properties       the other Streams settings, as configured
 */
record StreamsSettings(String applicationId, String bootstrapServers, Path stateRoot, Map<String, String> properties) {
  StreamsSettings {
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(stateRoot, "stateRoot");
    properties = Map.copyOf(properties);
    for (String owned : new String[] {StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, StreamsConfig.STATE_DIR_CONFIG}) {
      if (properties.containsKey(owned)) {
        throw new IllegalArgumentException("conclave.streams." + owned + " is not a setting: the projections use "
            + (owned.equals(StreamsConfig.STATE_DIR_CONFIG) ? "conclave.state-dir" : "conclave.kafka.bootstrap-servers"));
      }
    }
  }

  /**
   * From configured {@code conclave.streams.*} values (keys without the prefix); {@code application.id} among them
   * overrides {@code defaultApplicationId}.
   */
  static StreamsSettings of(Map<String, ?> configured, String defaultApplicationId, String bootstrapServers,
                            Path stateRoot) {
    Map<String, String> properties = new TreeMap<>();
    configured.forEach((key, value) -> {
      if (value != null) {
        properties.put(key, value.toString());
      }
    });
    String applicationId = properties.remove(StreamsConfig.APPLICATION_ID_CONFIG);
    return new StreamsSettings(applicationId == null ? defaultApplicationId : applicationId, bootstrapServers,
        stateRoot, properties);
  }

  /** The properties of one Kafka Streams instance keeping its state in {@code stateDir}. */
  Properties forInstance(Path stateDir) {
    Properties p = new Properties();
    p.putAll(properties);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return p;
  }
}
