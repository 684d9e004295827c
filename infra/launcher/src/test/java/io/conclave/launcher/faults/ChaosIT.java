package io.conclave.launcher.faults;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.conclave.launcher.Medians;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.Http;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.ConclaveTopics;
import io.conclave.runtime.provisioning.TopicProvisioner;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaClientSecurity;
import io.conclave.schemas.SchemaCatalog;
import io.conclave.testkit.RegistryServer;
import io.conclave.testkit.Signals;
import io.conclave.testkit.StackClient;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite: a 3-broker KRaft cluster (separate broker JVMs and a controller, replication 3,
 * {@code min.insync.replicas} 2, acks=all), Conclave's services as separate JVMs, a steady load of
 * tasks, and a seeded schedule of faults: kill -9 of a worker, of a shard's leader and of a broker
 * (brought back), a pause (SIGSTOP/SIGCONT) beyond the session timeout, a restart of the
 * projections. Two projections instances share the views (the load's HTTP submissions go to the
 * first, which the faults restart); each must answer every task as its saga ended, whichever
 * instance holds the task's partitions. Once the faults stop and every accepted task's saga has
 * ended, {@link ChaosChecker} judges what the topics hold, read_committed, and what each instance
 * answers; the run prints its figures and writes them to {@code target/chaos/result-<seed>.json}.
 *
 * <p>{@code -Dconclave.chaos.seed=N} runs a schedule again; {@code
 * -Dconclave.chaos.duration=SECONDS} (default 60) makes the load, and the faults it leaves room
 * for, last longer.
 */
class ChaosIT {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The load: a task every so often; every 4th through {@code POST /tasks}, every 10th with a
   * failing step.
   */
  private static final Duration LOAD_INTERVAL = Duration.ofMillis(200);

  private static final int THROUGH_HTTP_EVERY = 4;
  private static final int FAILING_EVERY = 10;
  private static final int WORKERS = 2;
  private static final int COORDINATORS = 2;

  private final Map<String, Instant> accepted = new ConcurrentHashMap<>();
  private final AtomicInteger submitted = new AtomicInteger();
  private final AtomicInteger acceptedOverHttp = new AtomicInteger();
  private final List<InjectedFault> injected = new ArrayList<>();
  private final List<ChildProcess> workers = new ArrayList<>();
  private final List<ChildProcess> coordinators = new ArrayList<>();
  private ChildProcess projections;

  /**
   * The second projections instance, which no fault touches: while the first restarts, it holds
   * every partition.
   */
  private ChildProcess projections2;

  private List<String> serviceProps;
  private List<String> projectionProps;
  private PrintStream serviceLog;

  /** A fault as it was injected: when, and on what. */
  record InjectedFault(ChaosSchedule.Kind kind, String target, Instant at) {}

  @Test
  void noAcceptedTaskIsLostOrRunTwiceWhateverFails() throws Exception {
    long seed = Long.getLong("conclave.chaos.seed", System.nanoTime() % 1_000_000);
    Duration duration = Duration.ofSeconds(Long.getLong("conclave.chaos.duration", 60));
    ChaosSchedule schedule = ChaosSchedule.of(seed, duration);
    Path runDir = Path.of("target", "chaos", "run-" + seed).toAbsolutePath();
    deleteRecursively(
        runDir); // a seed run again starts from empty brokers and state, not the last run's
    Files.createDirectories(runDir);
    System.out.printf(
        "chaos: seed %d (rerun with -Dconclave.chaos.seed=%d), %d faults over %d s, logs in %s%n",
        seed, seed, schedule.faults().size(), duration.toSeconds(), runDir);

    try (PrintStream brokerLog =
            new PrintStream(
                new FileOutputStream(runDir.resolve("kafka.log").toFile()),
                true,
                StandardCharsets.UTF_8);
        PrintStream services =
            new PrintStream(
                new FileOutputStream(runDir.resolve("services.log").toFile()),
                true,
                StandardCharsets.UTF_8);
        RegistryServer registry = RegistryServer.start(runDir.resolve("registry.log"));
        BrokerCluster cluster = BrokerCluster.start(runDir.resolve("kafka"), 3, brokerLog)) {
      serviceLog = services;
      ConclaveSettings settings =
          ConclaveSettings.from(
                  Map.of(),
                  Map.of(
                      "conclave.replication-factor",
                      "3",
                      "conclave.agent-types",
                      "research,analysis,write,fx-check"))
              .withEndpoints(cluster.bootstrapServers(), registry.url())
              .withTopicPrefix("chaos");
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
        new TopicProvisioner(admin).ensureOrThrow(ConclaveTopics.declarations(settings));
      }
      SchemaCatalog.registerAll(settings.registry(), settings.topics(), settings.agentTypes());
      StackClient client = new StackClient(settings);
      int httpPort = Http.freePort();
      String http = "http://127.0.0.1:" + httpPort;
      int httpPort2 = Http.freePort();
      String http2 = "http://127.0.0.1:" + httpPort2;
      try {
        startServices(settings, httpPort, httpPort2, runDir);
        eventually(() -> assertThat(client.latestLeaders()).hasSize(settings.partitions()));
        awaitHttp(http);
        awaitHttp(http2);

        // When: tasks flow while the faults are injected
        Instant start = Instant.now();
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = new Thread(() -> load(client, http, loading), "chaos-load");
        load.start();
        for (ChaosSchedule.Fault fault : schedule.faults()) {
          sleepUntil(start.plus(fault.at()));
          inject(fault, client, cluster);
        }
        sleepUntil(start.plus(duration.compareTo(schedule.end()) > 0 ? duration : schedule.end()));
        loading.set(false);
        load.join();
        System.out.printf(
            "chaos: load stopped: %d tasks submitted, %d accepted (%d through POST /tasks); settling%n",
            submitted.get(), accepted.size(), acceptedOverHttp.get());

        // Then: once every accepted task's saga has ended (bounded), the invariants hold
        Set<String> acceptedIds = Set.copyOf(accepted.keySet());
        try {
          await()
              .atMost(Duration.ofSeconds(180))
              .pollInterval(Duration.ofSeconds(2))
              .until(() -> endedSagas(client.sagaEvents()).keySet().containsAll(acceptedIds));
        } catch (ConditionTimeoutException e) {
          System.out.println(
              "chaos: not every accepted task's saga ended in time; the checker will say which");
        }
        List<SagaEvent> events = client.sagaEvents();
        Map<String, Optional<String>> projected = awaitProjections(http, acceptedIds, events);
        var history =
            new ChaosChecker.History(
                acceptedIds, events, client.decisions(), client.leaderships(), projected);
        List<ChaosChecker.Violation> violations = new ArrayList<>(ChaosChecker.check(history));
        // the second instance must answer the same: the checker again, on what it says (the other
        // invariants are the same history, so only its projection violations are new)
        List<ChaosChecker.Violation> second =
            ChaosChecker.check(
                new ChaosChecker.History(
                    acceptedIds,
                    events,
                    history.decisions(),
                    history.leaders(),
                    awaitProjections(http2, acceptedIds, events)));
        second.stream()
            .filter(v -> !violations.contains(v))
            .forEach(
                v -> {
                  System.out.println("chaos: the second projections instance: " + v);
                  violations.add(v);
                });
        report(seed, duration, history, violations, runDir.getParent());
        assertThat(violations).as("violations of the chaos invariants (seed %d)", seed).isEmpty();
        assertThat(acceptedOverHttp)
            .as("tasks accepted through POST /tasks (seed %d)", seed)
            .hasPositiveValue();
        assertThat(injected)
            .extracting(InjectedFault::kind)
            .containsAll(List.of(ChaosSchedule.Kind.values()));
      } finally {
        stopServices();
        client.close();
      }
    }
  }

  private void startServices(ConclaveSettings settings, int httpPort, int httpPort2, Path runDir) {
    // every service is a process of the test's own: it logs to the run's services.log, and a fault
    // kills it and starts it again under its name
    serviceProps = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
    serviceProps.add("-Dconclave.worker.offline-agents=true");
    for (int i = 1; i <= COORDINATORS; i++) {
      coordinators.add(
          ChildProcess.start(
              "coordinator-" + i, "io.conclave.coordinator.Coordinator", serviceProps, serviceLog));
    }
    for (int i = 1; i <= WORKERS; i++) {
      workers.add(
          ChildProcess.start(
              "worker-" + i, "io.conclave.worker.AgentWorker", serviceProps, serviceLog));
    }
    projectionProps = new ArrayList<>(serviceProps);
    projectionProps.add("-Dconclave.http.port=" + httpPort);
    projectionProps.add("-Dconclave.state-dir=" + runDir.resolve("streams"));
    projections = startProjections();
    List<String> secondProps = new ArrayList<>(serviceProps);
    secondProps.add("-Dconclave.http.port=" + httpPort2);
    secondProps.add("-Dconclave.state-dir=" + runDir.resolve("streams-2"));
    projections2 =
        ChildProcess.start(
            "projections-2",
            "io.conclave.projections.ProjectionsApplication",
            secondProps,
            KafkaClientSecurity.plaintext(),
            List.of(),
            Map.of("CONCLAVE_API_TOKENS", Http.TOKENS),
            serviceLog);
  }

  private ChildProcess startProjections() {
    return ChildProcess.start(
        "projections",
        "io.conclave.projections.ProjectionsApplication",
        projectionProps,
        KafkaClientSecurity.plaintext(),
        List.of(),
        Map.of("CONCLAVE_API_TOKENS", Http.TOKENS),
        serviceLog);
  }

  private void stopServices() {
    List<ChildProcess> all = new ArrayList<>(coordinators);
    all.addAll(workers);
    if (projections != null) {
      all.add(projections);
    }
    if (projections2 != null) {
      all.add(projections2);
    }
    all.forEach(ChildProcess::requestStop);
    all.forEach(p -> p.awaitStop(20));
  }

  /**
   * Submits a task every {@link #LOAD_INTERVAL} until told to stop, without waiting for acks (a
   * stalled broker must not stall the load); a task counts as accepted when its ack (the
   * producer's, or the 202) came back.
   */
  private void load(StackClient stackClient, String http, AtomicBoolean loading) {
    var records = stackClient.records();
    List<SagaStep> failing =
        Saga.step("research", "gather", "forget")
            .step("analysis", "analyze", "discard")
            .step("fx-check", "fail-check", "undo")
            .build()
            .steps();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    List<CompletableFuture<Void>> answers = new ArrayList<>();
    Map<String, Object> config = ClientConfigs.producer(stackClient.settings().kafka());
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    // not the client's producer: its sends wait for the ack
    try (var producer = new KafkaProducer<byte[], byte[]>(config)) {
      for (int n = 0; loading.get(); n++) {
        String id = "chaos-" + n;
        submitted.incrementAndGet();
        if (n % THROUGH_HTTP_EVERY == 0) {
          HttpRequest post =
              HttpRequest.newBuilder(URI.create(http + "/tasks"))
                  .timeout(Duration.ofSeconds(20))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + Http.WRITER_TOKEN)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"taskId\":\"" + id + "\",\"prompt\":\"question " + n + "\"}"))
                  .build();
          answers.add(
              client
                  .sendAsync(post, HttpResponse.BodyHandlers.discarding())
                  .thenAccept(
                      r -> {
                        if (r.statusCode() == 202) {
                          accepted.put(id, Instant.now());
                          acceptedOverHttp.incrementAndGet();
                        }
                      })); // a refused connection while the projections restart: not accepted
        } else {
          Optional<List<SagaStep>> plan =
              n % FAILING_EVERY == 3 ? Optional.of(failing) : Optional.empty();
          producer.send(
              records.task(new TaskSubmission(id, "question " + n, Instant.now(), plan)),
              (md, e) -> {
                if (e == null) {
                  accepted.put(id, Instant.now());
                }
              });
        }
        sleep(LOAD_INTERVAL.toMillis());
      }
      producer.flush();
    }
    try {
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // a request that failed or got no answer: its task is not accepted
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void inject(ChaosSchedule.Fault fault, StackClient client, BrokerCluster cluster)
      throws Exception {
    Instant at = Instant.now();
    String target;
    switch (fault.kind()) {
      case KILL_WORKER -> {
        int i = fault.target() % workers.size();
        target = workers.get(i).name();
        workers.get(i).kill();
        workers.set(
            i,
            ChildProcess.start(target, "io.conclave.worker.AgentWorker", serviceProps, serviceLog));
      }
      case KILL_SHARD_LEADER -> {
        // the latest announcement may still be of a process killed a moment ago: wait for a live
        // one of ours
        int shard = fault.target() % client.settings().partitions();
        LeaderElected[] live = new LeaderElected[1];
        eventually(
            () -> {
              live[0] = client.latestLeaders().get(shard);
              assertThat(indexOf(coordinators, CoordinatorKillIT.pidOf(live[0].memberId())))
                  .as("a live coordinator of ours leads shard %d: %s", shard, live[0])
                  .isNotNegative();
            });
        LeaderElected leader = live[0];
        int i = indexOf(coordinators, CoordinatorKillIT.pidOf(leader.memberId()));
        target =
            coordinators.get(i).name()
                + " (leader of shard "
                + leader.shard()
                + ", epoch "
                + leader.epoch()
                + ")";
        coordinators.get(i).kill();
        coordinators.set(
            i,
            ChildProcess.start(
                coordinators.get(i).name(),
                "io.conclave.coordinator.Coordinator",
                serviceProps,
                serviceLog));
      }
      case KILL_BROKER -> {
        int i = fault.target() % cluster.brokerCount();
        target = "broker-" + (i + 1);
        cluster.killBroker(i);
        Thread.sleep(ChaosSchedule.BROKER_DOWN.toMillis());
        cluster.startBroker(i);
      }
      case PAUSE_PROCESS -> {
        List<ChildProcess> candidates = new ArrayList<>(coordinators);
        candidates.addAll(workers);
        ChildProcess paused = candidates.get(fault.target() % candidates.size());
        target = paused.name();
        ProcessHandle handle = ProcessHandle.of(paused.pid()).orElseThrow();
        Signals.pause(handle);
        try {
          Thread.sleep(ChaosSchedule.PAUSE.toMillis());
        } finally {
          Signals.resume(handle);
        }
      }
      case RESTART_PROJECTIONS -> {
        target = "projections";
        projections.kill();
        projections = startProjections();
      }
      default -> throw new IllegalStateException(fault.kind().toString());
    }
    injected.add(new InjectedFault(fault.kind(), target, at));
    System.out.printf("chaos: %s %s at +%d ms%n", fault.kind(), target, fault.at().toMillis());
  }

  /** Where the live process {@code pid} is in {@code processes}, or -1. */
  private static int indexOf(List<ChildProcess> processes, long pid) {
    for (int i = 0; i < processes.size(); i++) {
      if (processes.get(i).pid() == pid && processes.get(i).isAlive()) {
        return i;
      }
    }
    return -1;
  }

  /** When each saga that has ended ended, by task id. */
  private static Map<String, Instant> endedSagas(List<SagaEvent> events) {
    Map<String, Instant> out = new HashMap<>();
    for (SagaEvent e : events) {
      if (e instanceof SagaEvent.Completed || e instanceof SagaEvent.Aborted) {
        out.merge(e.taskId(), e.at(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    return out;
  }

  /**
   * What {@code GET /tasks/{id}} answers for each task, once it agrees with the saga events or
   * after a bound: the projections may still be catching up after their restart, which is not a
   * violation.
   */
  private static Map<String, Optional<String>> awaitProjections(
      String http, Set<String> tasks, List<SagaEvent> events) {
    Map<String, String> folded = new HashMap<>();
    events.stream()
        .collect(Collectors.groupingBy(SagaEvent::sagaId))
        .values()
        .forEach(e -> folded.put(e.get(0).taskId(), SagaState.of(e).status().name()));
    Http client = new Http(http);
    Map<String, Optional<String>> projected = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    do {
      for (String task : tasks) {
        if (projected.containsKey(task)
            && projected.get(task).equals(Optional.ofNullable(folded.get(task)))) {
          continue;
        }
        projected.put(task, projectedStatus(client, task));
      }
      if (tasks.stream()
          .allMatch(t -> projected.get(t).equals(Optional.ofNullable(folded.get(t))))) {
        break;
      }
      sleep(1_000);
    } while (System.nanoTime() < deadline);
    return projected;
  }

  private static Optional<String> projectedStatus(Http client, String task) {
    try {
      HttpResponse<String> r = client.get("/tasks/" + task);
      if (r.statusCode() != 200) {
        return Optional.empty();
      }
      JsonNode body = JSON.readTree(r.body());
      return Optional.of(body.path("status").asText());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private void report(
      long seed,
      Duration duration,
      ChaosChecker.History history,
      List<ChaosChecker.Violation> violations,
      Path dir)
      throws IOException {
    Map<String, Instant> ended = endedSagas(history.sagaEvents());
    Map<ChaosSchedule.Kind, Integer> faults = new EnumMap<>(ChaosSchedule.Kind.class);
    List<Map<String, Object>> recoveries = new ArrayList<>();
    for (InjectedFault f : injected) {
      faults.merge(f.kind(), 1, Integer::sum);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("kind", f.kind().toString());
      r.put("target", f.target());
      r.put("at", f.at().toString());
      r.put("recoveryMs", recovery(f.at(), ended).orElse(null));
      recoveries.add(r);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("seed", seed);
    result.put("durationSeconds", duration.toSeconds());
    result.put("tasksSubmitted", submitted.get());
    result.put("tasksAccepted", history.accepted().size());
    result.put(
        "sagasCompleted",
        history.sagaEvents().stream().filter(e -> e instanceof SagaEvent.Completed).count());
    result.put(
        "sagasCompensated",
        history.sagaEvents().stream().filter(e -> e instanceof SagaEvent.Aborted).count());
    Set<String> unacknowledged = new TreeSet<>();
    history.sagaEvents().stream()
        .filter(e -> e instanceof SagaEvent.Started)
        .map(SagaEvent::taskId)
        .filter(t -> !history.accepted().contains(t))
        .forEach(unacknowledged::add);
    result.put("sagasOfUnacknowledgedTasks", unacknowledged);
    List<Integer> refused =
        IntStream.range(0, submitted.get())
            .filter(n -> !history.accepted().contains("chaos-" + n))
            .boxed()
            .toList();
    result.put("notAccepted", refused.stream().map(n -> "chaos-" + n).toList());
    result.put(
        "notAcceptedOverHttp", refused.stream().filter(n -> n % THROUGH_HTTP_EVERY == 0).count());
    result.put("faults", faults);
    List<Long> sagaMillis = sagaMillis(ended);
    result.put(
        "sagaMillisMedian", sagaMillis.isEmpty() ? null : Math.round(Medians.of(sagaMillis)));
    result.put(
        "sagaMillisP95",
        sagaMillis.isEmpty() ? null : Math.round(Medians.percentile(sagaMillis, 0.95)));
    result.put("recoveries", recoveries);
    result.put("violations", ChaosChecker.counts(violations));
    result.put("violationDetails", violations.stream().limit(50).map(Object::toString).toList());
    Files.writeString(dir.resolve("result-" + seed + ".json"), JSON.writeValueAsString(result));

    System.out.printf(
        "chaos: seed %d: %d tasks submitted, %d accepted (and %d sagas of submissions whose ack was "
            + "lost); faults %s; violations %s (%d in all)%n",
        seed,
        submitted.get(),
        history.accepted().size(),
        unacknowledged.size(),
        faults,
        ChaosChecker.counts(violations),
        violations.size());
    System.out.printf(
        "chaos:   a task's saga ended %s ms after its acceptance (median; p95 %s ms)%n",
        result.get("sagaMillisMedian"), result.get("sagaMillisP95"));
    for (Map<String, Object> r : recoveries) {
      System.out.printf(
          "chaos:   %s %s: recovered in %s ms%n",
          r.get("kind"), r.get("target"), r.get("recoveryMs"));
    }
    violations.stream().limit(20).forEach(v -> System.out.println("chaos:   violation " + v));
    System.out.println("chaos: result in " + dir.resolve("result-" + seed + ".json"));
  }

  /**
   * Time to recover from a fault: from its injection until the sagas of every task accepted within
   * the second after it (or of the first task accepted after it) have ended. Empty if one never
   * ended.
   */
  private Optional<Long> recovery(Instant fault, Map<String, Instant> ended) {
    List<String> probes =
        accepted.entrySet().stream()
            .filter(
                e -> !e.getValue().isBefore(fault) && e.getValue().isBefore(fault.plusSeconds(1)))
            .map(Map.Entry::getKey)
            .toList();
    if (probes.isEmpty()) {
      probes =
          accepted.entrySet().stream()
              .filter(e -> !e.getValue().isBefore(fault))
              .min(Map.Entry.comparingByValue())
              .map(Map.Entry::getKey)
              .stream()
              .toList();
    }
    if (probes.isEmpty() || !ended.keySet().containsAll(probes)) {
      return Optional.empty();
    }
    return Optional.of(
        probes.stream()
            .map(ended::get)
            .max(Instant::compareTo)
            .map(end -> Duration.between(fault, end).toMillis())
            .orElseThrow());
  }

  /** From each accepted task's acceptance to its saga's end, for the tasks whose saga ended. */
  private List<Long> sagaMillis(Map<String, Instant> ended) {
    return accepted.entrySet().stream()
        .filter(e -> ended.containsKey(e.getKey()))
        .map(e -> Duration.between(e.getValue(), ended.get(e.getKey())).toMillis())
        .toList();
  }

  private static void awaitHttp(String http) {
    Http client = new Http(http);
    eventually(() -> assertThat(client.get("/tasks/readiness-probe").statusCode()).isEqualTo(404));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void sleepUntil(Instant when) {
    long ms = Duration.between(Instant.now(), when).toMillis();
    if (ms > 0) {
      sleep(ms);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
