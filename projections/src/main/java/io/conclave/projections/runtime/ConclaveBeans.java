package io.conclave.projections.runtime;

import io.conclave.projections.http.AdvertisedAddress;
import io.conclave.projections.http.Backpressure;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.records.RecordJson;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;

/**
 * The projections' own beans, from Micronaut configuration; their {@link ConclaveSettings}, serdes
 * and records are every service's ({@link io.conclave.runtime.service.ConclaveBeans}).
 */
@Factory
class ConclaveBeans {
  /**
   * The projections' Kafka Streams settings: {@code conclave.streams.*} and {@code
   * conclave.state-dir}.
   */
  @Singleton
  StreamsSettings streamsSettings(Environment environment, ConclaveSettings settings) {
    String stateRoot =
        environment
            .getProperty("conclave.state-dir", String.class)
            .orElse(System.getProperty("java.io.tmpdir") + "/conclave-streams");
    return StreamsSettings.of(
        environment.getProperties("conclave.streams", StringConvention.RAW),
        ProjectionTopology.applicationId(settings.topics()),
        settings.kafka(),
        Path.of(stateRoot));
  }

  /**
   * {@code conclave.knowledge.history-retention} and {@code conclave.knowledge.forward-timeout}.
   */
  @Singleton
  KnowledgeSettings knowledgeSettings(Environment environment) {
    KnowledgeSettings defaults = KnowledgeSettings.defaults();
    return new KnowledgeSettings(
        environment
            .getProperty("conclave.knowledge.history-retention", Duration.class)
            .orElse(defaults.historyRetention()),
        environment
            .getProperty("conclave.knowledge.forward-timeout", Duration.class)
            .orElse(defaults.forwardTimeout()));
  }

  /**
   * {@code conclave.api.max-backlog} and {@code conclave.api.backlog-refresh-ms}: when submissions
   * are refused.
   */
  @Singleton
  Backpressure backpressure(EnvironmentLookup lookup) {
    return Backpressure.from(lookup);
  }

  /**
   * Where the other projections instances reach this one: {@code conclave.http.advertised-host} and
   * {@code conclave.http.advertised-port}, by default the HTTP server's host and bound port ({@link
   * AdvertisedAddress}).
   */
  @Singleton
  AdvertisedAddress advertisedAddress(Environment environment) {
    return AdvertisedAddress.of(
        environment.getProperty("conclave.http.advertised-host", String.class).orElse(null),
        environment.getProperty("conclave.http.advertised-port", Integer.class).orElse(null),
        environment.getProperty("micronaut.server.host", String.class).orElse(null),
        ConclaveBeans::localHostName);
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "the HTTP server binds every interface and this machine's name is unknown ("
              + e.getMessage()
              + "): set conclave.http.advertised-host to the address other instances reach it at",
          e);
    }
  }

  /** For the admin endpoints and rebuilds; a call that Kafka does not answer fails after 15 s. */
  @Singleton
  @Bean(preDestroy = "close")
  Admin admin(ConclaveSettings settings) {
    return Admin.create(
        ClientConfigs.admin(
            settings.kafka(), settings.topics().prefix() + "-projections-admin", 15_000, 5_000));
  }

  @Singleton
  RecordJson recordJson(ConclaveSerdes serdes) {
    return new RecordJson(serdes);
  }
}
