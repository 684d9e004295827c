package io.conclave.projections.runtime;

import io.conclave.projections.http.AdvertisedAddress;
import io.conclave.runtime.security.KafkaAccess;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * How the projections' Kafka Streams instances are configured: the {@code conclave.streams.*}
 * settings (any {@link StreamsConfig} key) plus the cluster, the application id, and per start a
 * state directory and the instance's HTTP address ({@code application.server}, which the other
 * instances forward queries to). Immutable.
 *
 * @param applicationId the application id, which is also the consumer group and the prefix of the
 *     internal topics
 * @param kafka the Kafka cluster and how to authenticate to it
 * @param stateRoot each start keeps its local state in a fresh directory below this one
 * @param properties the other Streams settings, as configured
 */
record StreamsSettings(
    String applicationId, KafkaAccess kafka, Path stateRoot, Map<String, String> properties) {
  StreamsSettings {
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(stateRoot, "stateRoot");
    properties = Map.copyOf(properties);
    Map<String, String> owned =
        Map.of(
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
            "conclave.kafka.bootstrap-servers",
            StreamsConfig.SECURITY_PROTOCOL_CONFIG,
            "conclave.kafka.security-protocol",
            "sasl.jaas.config",
            "conclave.kafka.sasl.username and KAFKA_SASL_PASSWORD",
            StreamsConfig.STATE_DIR_CONFIG,
            "conclave.state-dir",
            StreamsConfig.APPLICATION_SERVER_CONFIG,
            "the HTTP server's address (conclave.http.advertised-host and conclave.http.advertised-port)");
    for (var key : new TreeMap<>(owned).entrySet()) {
      if (properties.containsKey(key.getKey())) {
        throw new IllegalArgumentException(
            "conclave.streams."
                + key.getKey()
                + " is not a setting: the projections use "
                + key.getValue());
      }
    }
  }

  /**
   * From configured {@code conclave.streams.*} values (keys without the prefix); {@code
   * application.id} among them overrides {@code defaultApplicationId}.
   */
  static StreamsSettings of(
      Map<String, ?> configured, String defaultApplicationId, KafkaAccess kafka, Path stateRoot) {
    Map<String, String> properties = new TreeMap<>();
    configured.forEach(
        (key, value) -> {
          if (value != null) {
            properties.put(key, value.toString());
          }
        });
    String applicationId = properties.remove(StreamsConfig.APPLICATION_ID_CONFIG);
    return new StreamsSettings(
        applicationId == null ? defaultApplicationId : applicationId, kafka, stateRoot, properties);
  }

  /**
   * The properties of one Kafka Streams instance keeping its state in {@code stateDir} and
   * answering queries at {@code self} (host:port of its HTTP API).
   */
  Properties forInstance(Path stateDir, HostInfo self) {
    Properties p = new Properties();
    p.putAll(properties);
    // the security applies to every client of the instance (its consumers, producers and admin
    // client)
    p.putAll(kafka.clientProperties());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, AdvertisedAddress.endpoint(self));
    return p;
  }
}
