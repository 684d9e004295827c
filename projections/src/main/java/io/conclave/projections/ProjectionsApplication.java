package io.conclave.projections;

import io.conclave.kafka.ServiceRunner;
import io.micronaut.runtime.Micronaut;

/** The projections service: Kafka Streams views of Conclave's topics and the HTTP API over them. */
public final class ProjectionsApplication {
  private ProjectionsApplication() {}

  public static void main(String[] args) {
    ServiceRunner.exitWithLauncher("projections");
    Micronaut.run(ProjectionsApplication.class, args);
  }
}
