package io.conclave.runtime.service;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.loop.LoopClients;
import io.conclave.runtime.loop.LoopHealth;
import io.conclave.runtime.process.ServiceRunner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.BeanContextException;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a coordinator or a worker as a Micronaut application: its configuration from {@code
 * application-conclave-service.yml} and {@code application-<name>.yml}, system properties and the
 * environment ({@link ConclaveBeans}); its health ({@code /health}, {@code /health/liveness},
 * {@code /health/readiness}: {@link LoopsHealthIndicator}, Kafka) and its metrics ({@code
 * /prometheus}: JVM, Kafka clients, Conclave's) on {@code micronaut.server.port}, a free port
 * unless set. The service is built once the configuration is read, and started before the HTTP
 * server; SIGTERM closes it, then the application; if it breaks down the process exits with status
 * 1, and if the launcher that started it dies, with status 0 ({@link ServiceRunner}).
 */
public final class ConclaveApplication {
  /**
   * The environment every coordinator and worker application runs in. The projections' beans stay
   * out of it (their package requires its absence), should the projections be on the same class
   * path, as they are in the CLI's children.
   */
  public static final String SERVICE_ENVIRONMENT = "conclave-service";

  private static final Logger log = LoggerFactory.getLogger(ConclaveApplication.class);

  private ConclaveApplication() {}

  /**
   * What a service is built from: the application's settings, a lookup of the other settings its
   * components read, its meter registry, and Kafka clients measured in that registry.
   */
  public record ServiceContext(
      ConclaveSettings settings,
      EnvironmentLookup lookup,
      MeterRegistry metrics,
      LoopClients loopClients,
      String[] args) {}

  /**
   * Runs the service {@code start} builds and starts until the process is told to stop. A mistake
   * of the deployment (a bad setting, a missing provider) that {@code start} throws as an {@link
   * IllegalStateException} or {@link IllegalArgumentException}, or Micronaut as a bean error, is
   * said in one line and the process exits with status 2.
   *
   * @param name {@code coordinator} or {@code worker}: its log lines, and its own configuration
   *     file {@code application-<name>.yml}
   */
  public static void run(
      String name,
      Class<?> mainClass,
      String[] args,
      Function<ServiceContext, ? extends RunningService> start) {
    ServiceRunner.exitWithLauncher(name);
    ApplicationContext context =
        ApplicationContext.builder()
            .mainClass(mainClass)
            .args(args)
            .environments(SERVICE_ENVIRONMENT, name)
            .start();
    RunningService service;
    try {
      service =
          start.apply(
              new ServiceContext(
                  context.getBean(ConclaveSettings.class),
                  context.getBean(EnvironmentLookup.class),
                  context.getBean(MeterRegistry.class),
                  context.getBean(LoopClients.class),
                  args));
    } catch (IllegalStateException | IllegalArgumentException | BeanContextException e) {
      // a deployment mistake, said in one line: a stack trace would add nothing
      log.error("{} not started: {}", name, oneLine(e));
      context.close();
      System.exit(2);
      return;
    }
    context.registerSingleton(RunningService.class, service);
    measureLoops(service, context.getBean(MeterRegistry.class));
    EmbeddedServer server = context.getBean(EmbeddedServer.class);
    server.start();
    log.info(
        "{}: health at {}/health, metrics at {}/prometheus",
        name,
        server.getURL(),
        server.getURL());
    ServiceRunner.runUntilStopped(
        name,
        () -> {
          try {
            service.close();
          } finally {
            context.close();
          }
        },
        service.failed());
  }

  /**
   * {@code conclave_loop_partitions{loop}}: the partitions each partition loop of {@code service}
   * owns now (a coordinator's shards, a worker type's command partitions).
   */
  private static void measureLoops(RunningService service, MeterRegistry registry) {
    for (LoopHealth.Status loop : LoopsHealthIndicator.loops(service.health(Instant.now()))) {
      Gauge.builder(
              "conclave.loop.partitions",
              service,
              s ->
                  LoopsHealthIndicator.loops(s.health(Instant.now())).stream()
                      .filter(l -> l.name().equals(loop.name()))
                      .mapToInt(l -> l.partitions().size())
                      .sum())
          .tag("loop", loop.name())
          .description("partitions the loop owns")
          .register(registry);
    }
  }

  /** The message of {@code e}, on one line: Micronaut's span several. */
  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
