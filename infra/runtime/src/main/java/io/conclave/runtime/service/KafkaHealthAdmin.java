package io.conclave.runtime.service;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.ClientConfigs;
import io.micronaut.configuration.kafka.admin.AdminClientFactory;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.AdminClient;

/**
 * The admin client micronaut-kafka's health indicator ({@code kafka} in {@code /health}) asks the
 * cluster with: built from {@link ConclaveSettings}, like every other client of the service, so
 * that the cluster's address and credentials are configured once, under Conclave's settings.
 * Exposed as an {@link AdminClient} only: a service's own {@code Admin} beans stay the only ones.
 */
@Factory
@Requires(classes = AdminClientFactory.class)
class KafkaHealthAdmin {
  @Singleton
  @Bean(preDestroy = "close", typed = AdminClient.class)
  @Replaces(bean = AdminClient.class, factory = AdminClientFactory.class)
  AdminClient adminClient(ConclaveSettings settings) {
    return AdminClient.create(
        ClientConfigs.admin(
            settings.kafka(), settings.topics().prefix() + "-health", 5_000, 5_000));
  }
}
