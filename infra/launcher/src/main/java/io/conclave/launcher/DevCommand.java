package io.conclave.launcher;

import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.ConclaveTopics;
import io.conclave.kafka.KafkaClientSecurity;
import io.conclave.kafka.TopicProvisioner;
import io.conclave.schemas.SchemaCatalog;
import io.conclave.testkit.EmbeddedKafka;
import io.conclave.testkit.RegistryServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave dev}: the whole system on this machine. A real Kafka broker (in this JVM) and a real Apicurio
 * Registry (a child JVM) unless {@code KAFKA_BOOTSTRAP_SERVERS} / {@code CONCLAVE_REGISTRY_URL} point elsewhere;
 * the topics; then coordinator(s), agent workers and the projections HTTP server, each a separate JVM. Ctrl-C
 * stops everything; children also stop by themselves if this process dies.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Run Conclave all-in-one: broker, registry, topics, coordinator, workers and the HTTP API.")
final class DevCommand implements Callable<Integer> {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  /** The projections' API tokens, as they read them (README "Security"). */
  static final String API_TOKENS_ENV = "CONCLAVE_API_TOKENS";
  static final String DEV_TOKEN_NAME = "conclave-dev";

  @Option(names = "--workers", defaultValue = "2", description = "agent worker processes (default: ${DEFAULT-VALUE})")
  int workers;

  @Option(names = "--coordinators", defaultValue = "2",
      description = "coordinator processes; shard leadership is spread over them, the rest stand by "
          + "(default: ${DEFAULT-VALUE})")
  int coordinators;

  @Option(names = "--http-port", defaultValue = "8080",
      description = "port of the HTTP API; a free one is taken if it is busy (default: ${DEFAULT-VALUE})")
  int httpPort;

  @Option(names = "--partitions", description = "partitions per topic: coordinator shards and worker parallelism")
  Integer partitions;

  private final List<ChildProcess> children = new ArrayList<>();
  private final List<AutoCloseable> embedded = new ArrayList<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (workers < 1 || coordinators < 1) {
      throw new IllegalArgumentException("--workers and --coordinators must be at least 1");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopAll();
      stopped.countDown();
    }, "conclave-dev-stop"));

    ConclaveSettings settings = Endpoints.resolveExplicit();
    if (partitions != null) {
      settings = settings.withPartitions(partitions);
    }
    Path runDir = Files.createDirectories(Path.of(".conclave"));
    String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    if (bootstrap == null || bootstrap.isBlank()) {
      EmbeddedKafka kafka = EmbeddedKafka.start();
      embedded.add(kafka);
      bootstrap = kafka.bootstrapServers();
    }
    String registry = System.getenv("CONCLAVE_REGISTRY_URL");
    if (registry == null || registry.isBlank()) {
      RegistryServer server = RegistryServer.start(runDir.resolve("registry.log"));
      embedded.add(0, server);
      registry = server.url();
    }
    settings = settings.withEndpoints(bootstrap, registry);
    provision(settings);
    out.printf("schemas: %d registered%n", SchemaCatalog.registerAll(settings).size());

    int port = portOrFree(httpPort);
    // the schemas are registered: the services only look them up, so many processes starting together never race
    List<String> props = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
    for (int i = 1; i <= coordinators; i++) {
      children.add(ChildProcess.start("coordinator-" + i, "io.conclave.coordinator.Coordinator", props,
          settings.kafkaSecurity(), List.of(), out));
    }
    for (int i = 1; i <= workers; i++) {
      children.add(ChildProcess.start("worker-" + i, "io.conclave.worker.AgentWorker", props,
          settings.kafkaSecurity(), List.of(), out));
    }
    List<String> projectionProps = new ArrayList<>(props);
    projectionProps.add("-Dconclave.http.port=" + port);
    projectionProps.add("-Dconclave.state-dir=" + runDir.toAbsolutePath().resolve("streams"));
    String token = apiToken();
    ChildProcess projections = ChildProcess.start("projections", "io.conclave.projections.ProjectionsApplication",
        projectionProps, settings.kafkaSecurity(), List.of(),
        Map.of(API_TOKENS_ENV, projectionTokens(System.getenv(API_TOKENS_ENV), token)), out);
    children.add(projections);

    String http = "http://127.0.0.1:" + port;
    awaitHttp(http, projections, token);
    Endpoints.write(settings, http, token);
    printSummary(settings, http, bootstrap, registry);
    watchChildren();
    stopped.await();
    return 0;
  }

  private void provision(ConclaveSettings settings) {
    try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
      var report = new TopicProvisioner(admin).ensureOrThrow(ConclaveTopics.declarations(settings));
      out.printf("topics: %d created, %d already there%n", report.created().size(), report.unchanged().size());
    }
  }

  /** {@code CONCLAVE_API_TOKEN} if set (so that a script keeps its token over restarts), else a new random one. */
  private static String apiToken() {
    String configured = System.getenv(Endpoints.API_TOKEN_ENV);
    return configured != null && !configured.isBlank() ? configured.trim() : Endpoints.newApiToken();
  }

  /** The projections' tokens: those configured in {@code CONCLAVE_API_TOKENS}, if any, and dev's admin token. */
  static String projectionTokens(String configured, String devToken) {
    String own = DEV_TOKEN_NAME + ":admin:" + devToken;
    return configured == null || configured.isBlank() ? own : configured + "," + own;
  }

  private void awaitHttp(String base, ChildProcess projections, String token) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    // with the token: the probe is a read, which conclave.security.read-access=authenticated closes too
    HttpRequest probe = HttpRequest.newBuilder(URI.create(base + "/tasks/readiness-probe"))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!projections.isAlive()) {
        throw new IllegalStateException("the projections service exited during start-up; see its output above");
      }
      try {
        // 404 = the stores answer (the probe id does not exist); 503 = Kafka Streams still starting
        if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 404) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the HTTP API was not ready within " + READY_TIMEOUT);
  }

  private void printSummary(ConclaveSettings settings, String http, String bootstrap, String registry) {
    boolean ownKafka = embedded.stream().anyMatch(e -> e instanceof EmbeddedKafka);
    boolean ownRegistry = embedded.stream().anyMatch(e -> e instanceof RegistryServer);
    out.println();
    out.println("Conclave is running. Ctrl-C stops everything.");
    out.printf("  HTTP API         %s   (POST /tasks, GET /tasks/{id}, GET /agents/{id}/decisions, "
        + "GET /agents/{id}/state)%n", http);
    KafkaClientSecurity security = settings.kafkaSecurity();
    // the protocol and the user, never a password
    out.printf("  Kafka            %s%s%s%n", bootstrap, ownKafka ? "   (embedded)" : "",
        security.sasl() ? "   (" + security.protocol() + " as " + security.principal() + ")"
            : security.protocol().equals("PLAINTEXT") ? "" : "   (" + security.protocol() + ")");
    out.printf("  Schema registry  %s%s%n", registry, ownRegistry ? "   (embedded)" : "");
    out.printf("  Topics           %s.*   (%d partitions)%n", settings.topics().prefix(), settings.partitions());
    out.printf("  API token        in %s   (writes: curl -H \"Authorization: Bearer $(bin/conclave token)\")%n",
        Endpoints.FILE);
    for (ChildProcess c : children) {
      out.printf("  %-16s pid %d%n", c.name(), c.pid());
    }
    out.println("  Try: bin/conclave task submit \"Why is the sky blue?\"   then   curl " + http + "/tasks/<id>");
    out.println();
  }

  private void watchChildren() {
    Thread watcher = new Thread(() -> {
      List<ChildProcess> reported = new ArrayList<>();
      while (!stopping.get()) {
        for (ChildProcess c : children) {
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
    }, "conclave-dev-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private void stopAll() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    out.println("conclave: stopping...");
    children.forEach(ChildProcess::requestStop);
    children.forEach(c -> c.awaitStop(20));
    for (AutoCloseable e : embedded) {
      try {
        e.close();
      } catch (Exception ex) {
        out.println("conclave: " + ex.getMessage());
      }
    }
    Endpoints.delete();
    out.println("conclave: stopped");
  }

  private static int portOrFree(int wanted) throws IOException {
    try (ServerSocket s = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
      return wanted;
    } catch (IOException busy) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    }
  }
}
