package io.conclave.runtime.security;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How a Conclave process reaches its Kafka cluster: where it is and how to authenticate. Every
 * Kafka client of Conclave is built from one ({@link ClientConfigs}), so a secured cluster secures
 * them all.
 *
 * @param bootstrapServers the cluster's bootstrap servers
 * @param security the security protocol and credentials
 */
public record KafkaAccess(String bootstrapServers, KafkaClientSecurity security) {
  public KafkaAccess {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(security, "security");
  }

  /** A cluster without authentication or encryption. */
  public static KafkaAccess plaintext(String bootstrapServers) {
    return new KafkaAccess(bootstrapServers, KafkaClientSecurity.plaintext());
  }

  /**
   * The bootstrap servers and the security properties, the base of every client's configuration (a
   * fresh copy).
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> c = new HashMap<>(security.clientProperties());
    c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return c;
  }
}
