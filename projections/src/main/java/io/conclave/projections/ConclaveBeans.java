package io.conclave.projections;

import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/** Conclave's settings and serdes, from Micronaut configuration. */
@Factory
class ConclaveBeans {
  @Singleton
  ConclaveSettings settings(Environment environment) {
    Map<Object, Object> props = new HashMap<>();
    for (String key : ConclaveSettings.PROPERTY_KEYS) {
      environment.getProperty(key, String.class).ifPresent(v -> props.put(key, v));
    }
    return ConclaveSettings.from(System.getenv(), props);
  }

  @Singleton
  ConclaveSerdes serdes(ConclaveSettings settings) {
    return new ConclaveSerdes(settings.registry());
  }

  @Singleton
  ConclaveRecords records(ConclaveSettings settings, ConclaveSerdes serdes) {
    return new ConclaveRecords(settings, serdes);
  }
}
