package io.conclave.projections;

import io.conclave.runtime.process.ServiceRunner;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** The projections service: Kafka Streams views of Conclave's topics and the HTTP API over them. */
@OpenAPIDefinition(
    info =
        @Info(
            title = "conclave-projections",
            version = "1",
            description =
                "Conclave's HTTP API: tasks, sagas, decisions, knowledge, agents, breakers and administration"))
public final class ProjectionsApplication {
  private ProjectionsApplication() {}

  public static void main(String[] args) {
    ServiceRunner.exitWithLauncher("projections");
    // no banner: Micronaut prints it on standard output before it reads application.yml, whose
    // micronaut.banner.enabled comes too late; the process's output is its log lines
    Micronaut.build(args).mainClass(ProjectionsApplication.class).banner(false).start();
  }
}
