package io.conclave.launcher.dev;

import io.conclave.launcher.cli.Endpoints;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.KafkaClientSecurity;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave dev}: the whole system on this machine ({@link DevStack}). A real Kafka broker
 * (in this JVM) and a real Apicurio Registry (a child JVM) unless {@code KAFKA_BOOTSTRAP_SERVERS} /
 * {@code CONCLAVE_REGISTRY_URL} point elsewhere; the topics; then coordinator(s), agent workers and
 * the projections HTTP server, each a separate JVM. Ctrl-C stops everything; children also stop by
 * themselves if this process dies. The broker and registry keep their data in {@code --data-dir}
 * ({@link DataDir}), so a restart finds the tasks, sagas and decisions of the last run; {@code
 * --fresh} deletes it first.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description =
        "Run Conclave all-in-one: broker, registry, topics, coordinator, workers and the HTTP API.")
public final class DevCommand implements Callable<Integer> {
  @Option(
      names = "--workers",
      defaultValue = "2",
      description = "agent worker processes (default: ${DEFAULT-VALUE})")
  int workers;

  @Option(
      names = "--coordinators",
      defaultValue = "2",
      description =
          "coordinator processes; shard leadership is spread over them, the rest stand by "
              + "(default: ${DEFAULT-VALUE})")
  int coordinators;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description =
          "port of the HTTP API; a free one is taken if it is busy (default: ${DEFAULT-VALUE})")
  int httpPort;

  @Option(
      names = "--partitions",
      description = "partitions per topic: coordinator shards and worker parallelism")
  Integer partitions;

  @Option(
      names = "--data-dir",
      defaultValue = ".conclave",
      description =
          "where the embedded broker and registry keep their data across restarts "
              + "(default: ${DEFAULT-VALUE}, in the current directory)")
  Path dataDir;

  @Option(
      names = "--fresh",
      description = "delete the data directory first: start with no topics, records or schemas")
  boolean fresh;

  private final AtomicReference<DevStack> running = new AtomicReference<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    DataDir data = new DataDir(dataDir);
    if (fresh) {
      data.delete();
      out.println("conclave: deleted " + dataDir + " (--fresh)");
    }
    DevStack.Layout layout =
        new DevStack.Layout(
            coordinators,
            workers,
            httpPort,
            Files.createDirectories(dataDir),
            explicit("conclave.kafka.bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS"),
            explicit("conclave.registry.url", "CONCLAVE_REGISTRY_URL"),
            apiToken(),
            true);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopAll();
                  stopped.countDown();
                },
                "conclave-dev-stop"));

    ConclaveSettings settings = Endpoints.resolveExplicit();
    if (partitions != null) {
      settings = settings.withPartitions(partitions);
    }
    DevStack stack = DevStack.start(settings, layout, out);
    running.set(stack);
    if (stopping.get()) { // Ctrl-C during the start: the hook found nothing to stop yet
      stack.close();
      return 0;
    }
    Endpoints.write(stack.settings(), stack.http(), layout.apiToken());
    printSummary(stack);
    watchChildren(stack);
    stopped.await();
    return 0;
  }

  /** A cluster the user named: by a global flag (a system property) or the environment. */
  private static Optional<String> explicit(String property, String env) {
    return Optional.ofNullable(System.getProperty(property))
        .or(() -> Optional.ofNullable(System.getenv(env)))
        .filter(v -> !v.isBlank());
  }

  /**
   * {@code CONCLAVE_API_TOKEN} if set (so that a script keeps its token over restarts), else a new
   * random one.
   */
  private static String apiToken() {
    String configured = System.getenv(Endpoints.API_TOKEN_ENV);
    return configured != null && !configured.isBlank()
        ? configured.trim()
        : Endpoints.newApiToken();
  }

  private void printSummary(DevStack stack) {
    ConclaveSettings settings = stack.settings();
    out.println();
    out.println("Conclave is running. Ctrl-C stops everything.");
    out.printf(
        "  HTTP API         %s   (POST /tasks, GET /tasks/{id}, GET /agents/{id}/decisions, "
            + "GET /agents/{id}/state)%n",
        stack.http());
    KafkaClientSecurity security = settings.kafkaSecurity();
    // the protocol and the user, never a password
    out.printf(
        "  Kafka            %s%s%s%n",
        settings.bootstrapServers(),
        stack.ownsKafka() ? "   (embedded)" : "",
        security.sasl()
            ? "   (" + security.protocol() + " as " + security.principal() + ")"
            : security.protocol().equals("PLAINTEXT") ? "" : "   (" + security.protocol() + ")");
    out.printf(
        "  Schema registry  %s%s%n",
        settings.registry().url(), stack.ownsRegistry() ? "   (embedded)" : "");
    if (stack.ownsKafka() || stack.ownsRegistry()) {
      out.printf("  Data             %s   (kept across restarts; --fresh starts empty)%n", dataDir);
    }
    out.printf(
        "  Topics           %s.*   (%d partitions)%n",
        settings.topics().prefix(), settings.partitions());
    out.printf(
        "  API token        in %s   (writes: curl -H \"Authorization: Bearer $(bin/conclave token)\")%n",
        Endpoints.FILE);
    for (ChildProcess c : stack.children()) {
      out.printf("  %-16s pid %d%n", c.name(), c.pid());
    }
    out.println(
        "  Try: bin/conclave task submit \"Why is the sky blue?\"   then   curl "
            + stack.http()
            + "/tasks/<id>");
    out.println(addWorkerHint(settings));
    out.println();
  }

  /** The line that tells how to add a worker to this stack from another terminal. */
  static String addWorkerHint(ConclaveSettings settings) {
    return "  Add a worker from another terminal: bin/conclave worker --bootstrap-server "
        + settings.bootstrapServers()
        + " --registry-url "
        + settings.registry().url()
        + " --offline-agents";
  }

  private void watchChildren(DevStack stack) {
    Thread watcher =
        new Thread(
            () -> {
              List<ChildProcess> reported = new ArrayList<>();
              while (!stopping.get()) {
                for (ChildProcess c : stack.children()) {
                  if (!c.isAlive() && !reported.contains(c) && !stopping.get()) {
                    out.println("conclave: " + c.name() + " exited; see its output above");
                    reported.add(c);
                  }
                }
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "conclave-dev-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private void stopAll() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    DevStack stack = running.get();
    if (stack == null) {
      return;
    }
    out.println("conclave: stopping...");
    stack.close();
    Endpoints.delete();
    out.println("conclave: stopped");
  }
}
