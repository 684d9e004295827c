package io.conclave.launcher.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.SagaChecks;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.EmbeddedKafka;
import io.conclave.testkit.StackClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Conclave as containers, from the images of deploy/docker built on this machine: one KRaft broker,
 * the registry, two coordinators, a worker and the projections, each in its own container on the
 * host's network (its own ports). Tasks submitted over HTTP complete; the workers scaled to 3 share
 * every agent type's partitions; a worker killed with SIGKILL while tasks run loses none and
 * repeats none: every accepted task's saga completes exactly once.
 */
class ContainerClusterIT {
  private static final List<String> TYPES = ConclaveSettings.DEFAULT_AGENT_TYPES;
  private static final int PARTITIONS = 6;

  private final String run = "conclave-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> workers = new ArrayList<>();

  @AfterEach
  void removeContainers() {
    String ids = Podman.podman("ps", "-aq", "--filter", "label=" + Podman.LABEL + "=" + run);
    if (!ids.isBlank()) {
      List<String> command = new ArrayList<>(List.of("rm", "-f"));
      command.addAll(List.of(ids.split("\\s+")));
      Podman.podman(command.toArray(String[]::new));
    }
  }

  @Test
  void tasksCompleteWorkersScaleAndAKilledWorkerLosesAndRepeatsNothing() throws Exception {
    Podman.assumeAvailable();
    Podman.buildImages();

    // Given: the cluster, as containers
    int kafkaPort = Http.freePort();
    int registryPort = Http.freePort();
    int httpPort = Http.freePort();
    String bootstrap = "127.0.0.1:" + kafkaPort;
    String registry = "http://127.0.0.1:" + registryPort + "/apis/registry/v2";
    start("kafka", Podman.KAFKA_IMAGE, kafka(kafkaPort, Http.freePort()));
    start(
        "registry",
        Podman.REGISTRY_IMAGE,
        Map.of("QUARKUS_HTTP_HOST", "127.0.0.1", "QUARKUS_HTTP_PORT", "" + registryPort));
    Map<String, String> conclave = new LinkedHashMap<>();
    conclave.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    conclave.put("CONCLAVE_REGISTRY_URL", registry);
    conclave.put("CONCLAVE_REPLICATION_FACTOR", "1");
    conclave.put("CONCLAVE_PARTITIONS", "" + PARTITIONS);
    conclave.put("CONCLAVE_AGENT_TYPES", String.join(",", TYPES));
    conclave.put("JAVA_TOOL_OPTIONS", "-Xmx256m");
    // the test reads the cluster with the containers' own settings
    ConclaveSettings settings = ConclaveSettings.from(conclave, Map.of());
    try (Admin admin = admin(bootstrap);
        StackClient client = new StackClient(settings)) {
      await("the broker")
          .atMost(Duration.ofMinutes(3))
          .ignoreExceptions()
          .until(() -> admin.describeCluster().nodes().get().size() == 1);
      Http registryHttp = new Http("http://127.0.0.1:" + registryPort, null);
      await("the registry")
          .atMost(Duration.ofMinutes(3))
          .ignoreExceptions()
          .until(() -> registryHttp.get("/health/ready").statusCode() == 200);
      // compose's init service: Conclave's topics and schemas, from the CLI image
      String cli = Podman.image("conclave/cli");
      Podman.podman(runArgs("init-topics", cli, conclave, false, "topics", "create"));
      Podman.podman(runArgs("init-schemas", cli, conclave, false, "topics", "register-schemas"));

      start("coordinator-1", Podman.image("conclave/coordinator"), ownPort(conclave));
      start("coordinator-2", Podman.image("conclave/coordinator"), ownPort(conclave));
      startWorker(conclave);
      Map<String, String> projections = new HashMap<>(conclave);
      projections.put("JAVA_TOOL_OPTIONS", "-Xmx512m");
      projections.put("CONCLAVE_HTTP_HOST", "127.0.0.1");
      projections.put("CONCLAVE_HTTP_PORT", "" + httpPort);
      projections.put("CONCLAVE_HTTP_ADVERTISED_HOST", "127.0.0.1");
      projections.put("CONCLAVE_API_TOKENS", Http.TOKENS);
      projections.put("CONCLAVE_STATE_DIR", "/tmp/conclave-streams");
      start("projections", Podman.image("conclave/projections"), projections);
      Http http = new Http("http://127.0.0.1:" + httpPort);
      await("the projections")
          .atMost(Duration.ofMinutes(3))
          .ignoreExceptions()
          .until(() -> http.get("/health").statusCode() == 200);

      // When: tasks are submitted over HTTP, Then: they complete
      submit(http, "first-", 5);
      for (int i = 0; i < 5; i++) {
        http.awaitTaskStatus("first-" + i, "COMPLETED");
      }

      // When: the workers are scaled to 3, Then: each agent type's partitions spread over them
      startWorker(conclave);
      startWorker(conclave);
      await("3 workers sharing every agent type's partitions")
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(() -> assertSpread(admin, settings, 3));

      // When: a worker is killed with SIGKILL while tasks run
      submit(http, "during-kill-", 20);
      await("a first task completed before the kill")
          .atMost(Duration.ofMinutes(2))
          .until(() -> completed(http, "during-kill-") >= 1);
      String killed = workers.get(0);
      Podman.podman("kill", "-s", "KILL", killed);
      assertThat(Podman.podman("inspect", "-f", "{{.State.ExitCode}}", killed))
          .as("the exit code of the killed worker")
          .isEqualTo("137");

      // Then: the 2 left share the partitions, and every accepted task's saga completes exactly
      // once
      await("2 workers sharing every agent type's partitions")
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(() -> assertSpread(admin, settings, 2));
      for (int i = 0; i < 20; i++) {
        http.awaitTaskStatus("during-kill-" + i, "COMPLETED");
      }
      SagaChecks.assertEverySagaRanOnce(client, "first-", 5);
      SagaChecks.assertEverySagaRanOnce(client, "during-kill-", 20);
    }
  }

  /**
   * Each worker group is stable with {@code workers} members, each holding some of its agent type's
   * command partitions, which are all held, each by one member.
   */
  private static void assertSpread(Admin admin, ConclaveSettings settings, int workers)
      throws Exception {
    for (String type : TYPES) {
      String group = settings.topics().workerGroup(type);
      String commands = settings.topics().commands(type);
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      System.out.println(
          group
              + ": "
              + d.members().stream().map(ContainerClusterIT::member).toList()
              + " ("
              + d.groupState()
              + ")");
      assertThat(d.groupState()).as(group).isEqualTo(GroupState.STABLE);
      List<List<Integer>> held =
          d.members().stream()
              .map(
                  m ->
                      m.assignment().topicPartitions().stream()
                          .filter(tp -> tp.topic().equals(commands))
                          .map(TopicPartition::partition)
                          .toList())
              .toList();
      assertThat(held).as(group + ": command partitions per member").hasSize(workers);
      assertThat(held).as(group + ": command partitions per member").allMatch(p -> !p.isEmpty());
      assertThat(held.stream().flatMap(List::stream).sorted().toList())
          .as(group + ": command partitions held")
          .isEqualTo(IntStream.range(0, PARTITIONS).boxed().toList());
    }
  }

  private static String member(MemberDescription m) {
    return m.consumerId() + "=" + m.assignment().topicPartitions();
  }

  private static void submit(Http http, String prefix, int tasks) {
    for (int i = 0; i < tasks; i++) {
      HttpResponse<String> r =
          http.postJson(
              "/tasks", "{\"taskId\":\"" + prefix + i + "\",\"prompt\":\"question " + i + "\"}");
      assertThat(r.statusCode()).as("POST /tasks answered %s", r.body()).isEqualTo(202);
    }
  }

  private static long completed(Http http, String prefix) {
    String body = http.get("/sagas?status=COMPLETED&limit=1000").body();
    return body.split("\"" + prefix, -1).length - 1;
  }

  /**
   * The containers share the host's network: each Micronaut service (health, metrics) listens on a
   * port of its own, not all on 8080.
   */
  private static Map<String, String> ownPort(Map<String, String> conclave) throws IOException {
    Map<String, String> env = new HashMap<>(conclave);
    env.put("MICRONAUT_SERVER_PORT", "" + Http.freePort());
    return env;
  }

  private void startWorker(Map<String, String> conclave) throws IOException {
    Map<String, String> env = ownPort(conclave);
    env.put("CONCLAVE_WORKER_AGENT_TYPES", String.join(",", TYPES));
    env.put("CONCLAVE_WORKER_OFFLINE_AGENTS", "true");
    // a step takes 50 ms: the kill comes while the burst of tasks runs, not after it
    env.put("CONCLAVE_OFFLINE_LATENCY_MS", "50");
    workers.add(
        start("worker-" + (workers.size() + 1), Podman.image("conclave/agent-worker"), env));
  }

  /**
   * A single KRaft node on loopback ports with the embedded broker's settings (fast group handover,
   * Conclave's short sessions), as the image's KAFKA_* variables.
   */
  private static Map<String, String> kafka(int port, int controllerPort) {
    Map<String, String> config = new TreeMap<>(EmbeddedKafka.defaultBrokerConfig());
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    config.put("controller.listener.names", "CONTROLLER");
    config.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    Map<String, String> env = new LinkedHashMap<>();
    // apache/kafka's naming, which deploy/docker/kafka/run reverses: "_" is "__", "-" is "___"
    config.forEach(
        (key, value) ->
            env.put(
                "KAFKA_"
                    + key.replace("_", "__")
                        .replace("-", "___")
                        .replace('.', '_')
                        .toUpperCase(Locale.ROOT),
                value));
    env.put("KAFKA_HEAP_OPTS", "-Xmx512m");
    return env;
  }

  private String start(String name, String image, Map<String, String> env) {
    Podman.podman(runArgs(name, image, env, true));
    return run + "-" + name;
  }

  private String[] runArgs(
      String name, String image, Map<String, String> env, boolean detached, String... args) {
    List<String> command = new ArrayList<>(List.of("run", detached ? "-d" : "--rm"));
    command.addAll(List.of("--name", run + "-" + name, "--label", Podman.LABEL + "=" + run));
    command.addAll(List.of("--network", "host"));
    env.forEach((k, v) -> command.addAll(List.of("-e", k + "=" + v)));
    command.add(image);
    command.addAll(List.of(args));
    return command.toArray(String[]::new);
  }

  private static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(p);
  }
}
