package io.conclave.launcher.dev;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.ConclaveTopics;
import io.conclave.runtime.provisioning.TopicProvisioner;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.SchemaCatalog;
import io.conclave.testkit.EmbeddedKafka;
import io.conclave.testkit.RegistryServer;
import io.conclave.worker.Agents;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole system as {@code conclave dev} runs it: a Kafka broker in this JVM and an Apicurio
 * Registry child JVM (unless endpoints are given), the topics and schemas, then coordinator(s),
 * agent workers (the offline agents) and the projections HTTP server, each a separate JVM whose
 * output is copied, line by line, to one stream. One piece of code for {@code conclave dev} and for
 * {@code bench system}, so that the benchmark measures what users start.
 */
public final class DevStack implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  /** The projections' API tokens, as they read them (docs/security.md). */
  public static final String API_TOKENS_ENV = "CONCLAVE_API_TOKENS";

  public static final String DEV_TOKEN_NAME = "conclave-dev";
  public static final String COORDINATOR_MAIN = "io.conclave.coordinator.Coordinator";
  public static final String WORKER_MAIN = "io.conclave.worker.AgentWorker";

  /**
   * What to start.
   *
   * @param coordinators coordinator processes (shard leadership is spread over them)
   * @param workers agent worker processes
   * @param httpPort the HTTP API's port; a free one if it is busy (0: any free one)
   * @param runDir where the registry's log and the projections' state go
   * @param bootstrap a broker to use instead of starting one in this JVM
   * @param registry a registry to use instead of starting one
   * @param apiToken the HTTP API's admin token
   * @param keepData whether the broker and registry started here keep their data in {@code runDir}
   *     (a {@link DataDir}) across runs, on the same ports; else they live in temporary storage
   */
  public record Layout(
      int coordinators,
      int workers,
      int httpPort,
      Path runDir,
      Optional<String> bootstrap,
      Optional<String> registry,
      String apiToken,
      boolean keepData) {
    public Layout {
      if (workers < 1 || coordinators < 1) {
        throw new IllegalArgumentException("--workers and --coordinators must be at least 1");
      }
    }
  }

  /** How a child was started, so that it can be started again the same way. */
  private record Recipe(
      String name, String mainClass, List<String> systemProperties, Map<String, String> env) {}

  private final ConclaveSettings settings;
  private final String http;
  private final PrintStream out;
  private final List<AutoCloseable> embedded;
  private final List<ChildProcess> children = new CopyOnWriteArrayList<>();
  private final Map<String, Recipe> recipes = new ConcurrentHashMap<>();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private DevStack(
      ConclaveSettings settings, String http, PrintStream out, List<AutoCloseable> embedded) {
    this.settings = settings;
    this.http = http;
    this.out = out;
    this.embedded = embedded;
  }

  /**
   * Starts everything and returns once the HTTP API answers. {@code settings} say the topics,
   * partitions and security; {@code out} gets the progress lines and every child's output, each
   * line prefixed with its name. Whatever was started is stopped again if the start fails.
   */
  public static DevStack start(ConclaveSettings settings, Layout layout, PrintStream out)
      throws Exception {
    List<AutoCloseable> embedded = new ArrayList<>();
    DevStack stack = null;
    try {
      DataDir data = new DataDir(layout.runDir());
      // only read (or chosen) when a server is started here: an external broker and registry
      // need no ports
      DataDir.Ports ports =
          layout.keepData() && (layout.bootstrap().isEmpty() || layout.registry().isEmpty())
              ? data.ports()
              : null;
      String bootstrap = layout.bootstrap().orElse(null);
      if (bootstrap == null) {
        EmbeddedKafka kafka =
            ports != null
                ? EmbeddedKafka.startKeeping(data.kafka(), ports.broker(), ports.controller())
                : EmbeddedKafka.start();
        embedded.add(kafka);
        bootstrap = kafka.bootstrapServers();
      }
      String registry = layout.registry().orElse(null);
      if (registry == null) {
        Path registryLog = layout.runDir().resolve("registry.log");
        RegistryServer server =
            ports != null
                ? RegistryServer.startKeeping(data.registry(), ports.registry(), registryLog)
                : RegistryServer.start(registryLog);
        embedded.add(0, server);
        registry = server.url();
      }
      settings = settings.withEndpoints(bootstrap, registry);
      provision(settings, out);
      out.printf(
          "schemas: %d registered%n",
          SchemaCatalog.registerAll(settings.registry(), settings.topics(), settings.agentTypes())
              .size());
      int port = portOrFree(layout.httpPort());
      stack = new DevStack(settings, "http://127.0.0.1:" + port, out, embedded);
      // the schemas are registered: the services only look them up, so many processes starting
      // together never race
      List<String> props = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
      for (int i = 1; i <= layout.coordinators(); i++) {
        stack.launch(new Recipe("coordinator-" + i, COORDINATOR_MAIN, props, Map.of()));
      }
      // dev runs the offline demo agents for the types no agent jar on the class path supplies
      List<String> workerProps = new ArrayList<>(props);
      workerProps.add("-D" + Agents.OFFLINE_AGENTS.property() + "=true");
      for (int i = 1; i <= layout.workers(); i++) {
        stack.launch(new Recipe("worker-" + i, WORKER_MAIN, workerProps, Map.of()));
      }
      List<String> projectionProps = new ArrayList<>(props);
      projectionProps.add("-Dconclave.http.port=" + port);
      projectionProps.add(
          "-Dconclave.state-dir=" + layout.runDir().toAbsolutePath().resolve("streams"));
      ChildProcess projections =
          stack.launch(
              new Recipe(
                  "projections",
                  "io.conclave.projections.ProjectionsApplication",
                  projectionProps,
                  Map.of(
                      API_TOKENS_ENV,
                      projectionTokens(System.getenv(API_TOKENS_ENV), layout.apiToken()))));
      awaitHttp(stack.http, projections, layout.apiToken());
      return stack;
    } catch (Exception | Error e) {
      if (stack != null) {
        stack.close();
      } else {
        closeAll(embedded, out);
      }
      throw e;
    }
  }

  /** The settings the services run with, endpoints included. */
  public ConclaveSettings settings() {
    return settings;
  }

  /** The HTTP API's base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String http() {
    return http;
  }

  /** Whether the broker, resp. the registry, runs here (rather than where the layout pointed). */
  public boolean ownsKafka() {
    return embedded.stream().anyMatch(e -> e instanceof EmbeddedKafka);
  }

  public boolean ownsRegistry() {
    return embedded.stream().anyMatch(e -> e instanceof RegistryServer);
  }

  /** The child processes as they run now, in the order they were started. */
  public List<ChildProcess> children() {
    return List.copyOf(children);
  }

  /** The children whose name starts with {@code prefix} ({@code worker-}, {@code coordinator-}). */
  public List<ChildProcess> children(String prefix) {
    return children.stream().filter(c -> c.name().startsWith(prefix)).toList();
  }

  /**
   * Starts {@code child}, which has stopped (or is made to: it is killed first), again as it was
   * started; returns the new process, which takes its place in {@link #children()}.
   */
  public ChildProcess restart(ChildProcess child) {
    child.kill();
    ChildProcess again = spawn(recipes.get(child.name()));
    children.set(children.indexOf(child), again);
    return again;
  }

  private ChildProcess launch(Recipe recipe) {
    recipes.put(recipe.name(), recipe);
    ChildProcess child = spawn(recipe);
    children.add(child);
    return child;
  }

  private ChildProcess spawn(Recipe recipe) {
    return ChildProcess.start(
        recipe.name(),
        recipe.mainClass(),
        recipe.systemProperties(),
        settings.kafkaSecurity(),
        List.of(),
        recipe.env(),
        out);
  }

  /**
   * Stops every child (SIGTERM, then SIGKILL after 20 s), then the broker and registry it started.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    children.forEach(ChildProcess::requestStop);
    children.forEach(c -> c.awaitStop(20));
    closeAll(embedded, out);
  }

  private static void closeAll(List<AutoCloseable> embedded, PrintStream out) {
    for (AutoCloseable e : embedded) {
      try {
        e.close();
      } catch (Exception ex) {
        out.println("conclave: " + ex.getMessage());
      }
    }
  }

  private static void provision(ConclaveSettings settings, PrintStream out) {
    try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
      var report = new TopicProvisioner(admin).ensureOrThrow(ConclaveTopics.declarations(settings));
      out.printf(
          "topics: %d created, %d already there%n",
          report.created().size(), report.unchanged().size());
    }
  }

  /**
   * The projections' tokens: those configured in {@code CONCLAVE_API_TOKENS}, if any, and dev's
   * admin token.
   */
  public static String projectionTokens(String configured, String devToken) {
    String own = DEV_TOKEN_NAME + ":admin:" + devToken;
    return configured == null || configured.isBlank() ? own : configured + "," + own;
  }

  private static void awaitHttp(String base, ChildProcess projections, String token)
      throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    // with the token: the probe is a read, which conclave.security.read-access=authenticated closes
    // too
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(base + "/tasks/readiness-probe"))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!projections.isAlive()) {
        throw new IllegalStateException(
            "the projections service exited during start-up; see its output above");
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

  /** {@code wanted} if it is free, else (and for 0) a free port. */
  static int portOrFree(int wanted) throws IOException {
    if (wanted > 0) {
      try (ServerSocket s = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
        return wanted;
      } catch (IOException busy) {
        // taken: any free one below
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
