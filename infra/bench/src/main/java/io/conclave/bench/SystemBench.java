package io.conclave.bench;

import io.conclave.launcher.Medians;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.dev.DevStack;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.testkit.ConclaveStack;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The system users start, measured as a whole: the stack of {@code conclave dev} ({@link DevStack}:
 * 2 coordinators, 2 workers with the offline agents, projections, each a JVM; its own embedded
 * broker and registry), loaded over its HTTP API by a closed loop ({@link TaskLoad}) for a number
 * of windows, so that a slowdown as history grows shows. Per window: sagas/s, the latency from
 * submission until {@code GET /tasks/{id}} shows the saga ended, how busy the cores were and the
 * CPU each kind of process spent per saga, the records and bytes each topic gained per saga, and
 * the workers' RSS. Then an open loop at half the best window's rate for the latency at a load the
 * stack can carry; take-overs (a worker, a shard leader; SIGTERM and kill -9) on the empty stack
 * before the soak and again after it; and raw Kafka's 3-hop transactional chain on the same broker
 * as the reference ({@link SagaBench#rawThroughputs}). The targets are printed with whether they
 * were met, never asserted.
 */
@Command(
    name = "system",
    mixinStandardHelpOptions = true,
    description =
        "The dev stack (separate JVMs, offline agents, projections) under a closed loop over HTTP: "
            + "throughput and latency per window as history grows, bytes per saga, take-overs before and after.")
final class SystemBench extends StackBenchmark {
  private static final String SCENARIO = "system";
  private static final int RAW_HOPS = 3;

  /**
   * What the children print goes to a file: the launcher relays every line as dev does, but not
   * onto our output.
   */
  private static final String CHILDREN_LOG = "children.log";

  @Option(
      names = "--quick",
      description =
          "a small run, to check the harness: 600 sagas in 3 windows without a "
              + "warm-up, 100 in the open loop, one take-over of each kind, a raw burst of 500")
  boolean quick;

  @Option(
      names = "--sagas",
      description =
          "sagas of the closed-loop soak, over all windows (default: 30000; --quick: " + "600)")
  Integer sagas;

  @Option(
      names = "--windows",
      description = "windows the soak is measured in (default: 10; --quick: 3)")
  Integer windows;

  @Option(
      names = "--warm-up",
      description =
          "sagas run through the closed loop before the first window, not "
              + "measured: the JIT compiles the hot paths of each process, so that the first window is not a cold one "
              + "(default: 1000; --quick: 0)")
  Integer warmUp;

  @Option(
      names = "--in-flight",
      defaultValue = "64",
      description = "sagas in flight in the closed loop " + "(default: ${DEFAULT-VALUE})")
  int inFlight;

  @Option(
      names = "--open-loop-sagas",
      description =
          "sagas submitted at half the best window's rate after the soak "
              + "(default: 3000; --quick: 100)")
  Integer openLoopSagas;

  @Option(
      names = "--trials",
      description =
          "take-overs of each kind, before and after the soak (default: 3; " + "--quick: 1)")
  Integer trials;

  @Option(
      names = "--raw-burst",
      description = "sagas per burst of the raw chain (default: 2000; --quick: 500)")
  Integer rawBurst;

  @Option(
      names = "--raw-repetitions",
      description = "measured bursts of the raw chain (default: 3; --quick: 1)")
  Integer rawRepetitions;

  @Option(
      names = "--poll-pause-ms",
      defaultValue = "2",
      description =
          "pause after each GET /tasks/{id}, which "
              + "bounds the polling's cost to the projections (default: ${DEFAULT-VALUE})")
  int pollPauseMs;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      description =
          "run alone: where its results are kept (default: " + "bench/results in the repository)")
  Path results;

  private final PrintStream out = System.out;
  private final Clock clock = Clock.systemUTC();

  /** What the last run measured beyond its figures: each window, the open loop, each take-over. */
  private final Map<String, Object> details = new LinkedHashMap<>();

  /**
   * One window of the soak.
   *
   * @param load what the closed loop saw
   * @param cpuBusy how busy the machine's cores were, %
   * @param cpuMsPerSaga CPU time per saga of each kind of process (launcher, coordinator, worker,
   *     projections), ms
   * @param written what each topic gained
   * @param workerRss each worker's RSS at the window's end, MB
   * @param disturbances the lines of fencing, lost leadership or moved partitions the children
   *     logged in it
   */
  record Window(
      TaskLoad.Stretch load,
      double cpuBusy,
      Map<String, Double> cpuMsPerSaga,
      TopicFootprint written,
      Map<String, Double> workerRss,
      List<String> disturbances) {
    Window {
      cpuMsPerSaga = Collections.unmodifiableMap(new TreeMap<>(cpuMsPerSaga));
      workerRss = Collections.unmodifiableMap(new TreeMap<>(workerRss));
      disturbances = List.copyOf(disturbances);
    }

    double p50() {
      return Medians.percentile(load.latencies(), 0.5);
    }

    double p99() {
      return Medians.percentile(load.latencies(), 0.99);
    }

    double recordsPerSaga() {
      return (double) written.totalRecords() / load.sagas();
    }

    double bytesPerSaga() {
      return (double) written.totalBytes() / load.sagas();
    }

    /**
     * Everything it measured, per topic and per process, for the JSON report (at most 20
     * disturbance lines).
     */
    Map<String, Object> asJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sagas", load.sagas());
      m.put("seconds", load.seconds());
      m.put("sagasPerSecond", load.perSecond());
      m.put("latencyP50Ms", p50());
      m.put("latencyP99Ms", p99());
      m.put("statuses", load.statuses());
      m.put("refused", load.refused());
      m.put("pollsPerSaga", load.pollsPerSaga());
      m.put("cpuBusyPercent", cpuBusy);
      m.put("cpuMsPerSaga", cpuMsPerSaga);
      m.put("recordsPerSaga", perSaga(written.records()));
      m.put("bytesPerSaga", perSaga(written.bytes()));
      m.put("workerRssMb", workerRss);
      m.put("disturbances", disturbances.stream().limit(20).toList());
      return m;
    }

    private Map<String, Double> perSaga(Map<String, Long> byTopic) {
      Map<String, Double> m = new TreeMap<>();
      byTopic.forEach((topic, n) -> m.put(topic, (double) n / load.sagas()));
      return m;
    }
  }

  @Override
  public Map<String, Object> details() {
    return details;
  }

  @Override
  public Integer call() throws Exception {
    int total = orDefault(sagas, 30_000, 600);
    int windowCount = orDefault(windows, 10, 3);
    int warm = orDefault(warmUp, 1000, 0);
    int open = orDefault(openLoopSagas, 3000, 100);
    int trialCount = orDefault(trials, 3, 1);
    int burst = orDefault(rawBurst, 2000, 500);
    int rawReps = orDefault(rawRepetitions, 3, 1);
    if (total < windowCount
        || windowCount < 1
        || inFlight < 1
        || open < 1
        || trialCount < 1
        || burst < 1
        || rawReps < 1
        || pollPauseMs < 0
        || warm < 0) {
      throw new IllegalArgumentException(
          "--sagas must be at least --windows, every count at least 1");
    }
    Instant started = clock.instant();
    Path runDir = Files.createTempDirectory("conclave-bench-system");
    Optional<ConclaveStack> shared = sharedStack();
    // alone it starts its own broker and registry, as dev does, under dev's topic names; within a
    // quick run of every scenario it shares theirs, under names of its own
    ConclaveSettings settings =
        shared
            .map(s -> Endpoints.resolveExplicit().withTopicPrefix("bench-system"))
            .orElseGet(Endpoints::resolveExplicit);
    String token = Endpoints.newApiToken();
    DevStack.Layout layout =
        new DevStack.Layout(
            2,
            2,
            0,
            runDir,
            shared.map(ConclaveStack::bootstrapServers),
            shared.map(ConclaveStack::registryUrl),
            token,
            false); // a measurement starts empty
    out.printf(
        "system: the stack of conclave dev (2 coordinators, 2 workers with the offline agents, projections, "
            + "each a JVM; %s broker and registry), loaded over HTTP: a closed loop of %d sagas in flight, %,d sagas in "
            + "%d windows after %,d to warm up; then %,d sagas in an open loop at half the best window's rate; "
            + "take-overs (%d of each kind) on the empty stack and after the soak; raw Kafka's %d-hop chain on the same "
            + "broker (bursts of %,d)%n",
        shared.isPresent() ? "a shared" : "its own embedded",
        inFlight,
        total,
        windowCount,
        warm,
        open,
        trialCount,
        RAW_HOPS,
        burst);
    Path log = runDir.resolve(CHILDREN_LOG);
    out.println("children's output: " + log);
    List<Window> soak = new ArrayList<>();
    TaskLoad.Stretch openLoop;
    double openRate;
    Map<StackTakeOvers.Kind, List<Long>> empty;
    Map<StackTakeOvers.Kind, List<Long>> after;
    List<Double> raw;
    int openDisturbances;
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(log));
        RelayedLines relayed = new RelayedLines(file, clock)) {
      progress().step("starting the stack as conclave dev does");
      try (DevStack stack = DevStack.start(settings, layout, relayed)) {
        StackTakeOvers takeOvers = new StackTakeOvers(stack, relayed, clock);
        takeOvers.awaitSettled();
        out.printf(
            "stack up in %.1f s: %s%n",
            Duration.between(started, clock.instant()).toMillis() / 1e3,
            String.join(
                ", ", stack.children().stream().map(c -> c.name() + " pid " + c.pid()).toList()));
        empty = takeOvers(takeOvers, trialCount, "on the empty stack");
        progress()
            .step(
                "raw Kafka: " + RAW_HOPS + "-hop chain, " + (rawReps + 1) + " bursts of " + burst);
        raw = SagaBench.rawThroughputs(stack.settings(), RAW_HOPS, burst, rawReps);
        out.printf("raw Kafka %d-hop chain: %s sagas/s%n", RAW_HOPS, list(raw, "%,.0f"));

        TaskLoad load =
            new TaskLoad(
                stack.http(),
                token,
                "system-" + started.toEpochMilli(),
                Duration.ofMillis(pollPauseMs));
        if (warm > 0) {
          progress().step("warm-up: " + warm + " sagas, not measured");
          TaskLoad.Stretch warmed = load.closedLoop(warm, inFlight);
          out.printf("warm-up: %d sagas at %.1f sagas/s%n", warmed.sagas(), warmed.perSecond());
        }
        soak.addAll(soak(stack, relayed, load, total, windowCount));
        progress().step("draining the " + inFlight + " sagas still in flight");
        load.drain();
        openRate = soak.stream().mapToDouble(w -> w.load().perSecond()).max().orElseThrow() / 2;
        progress().step(String.format("open loop: %d sagas at %.1f/s", open, openRate));
        int before = relayed.disturbances();
        openLoop = load.openLoop(open, openRate);
        openDisturbances = relayed.disturbances() - before;
        out.printf(
            "open loop at %.1f sagas/s (half the best window): %d sagas, p50 %.0f ms, p99 %.0f ms, %s, "
                + "%.1f polls per saga%n",
            openRate,
            openLoop.sagas(),
            Medians.percentile(openLoop.latencies(), 0.5),
            Medians.percentile(openLoop.latencies(), 0.99),
            openLoop.statuses(),
            openLoop.pollsPerSaga());
        after = takeOvers(takeOvers, trialCount, "after the soak");
      }
    }
    printWindows(soak);
    printTopics(soak.get(0), soak.get(soak.size() - 1));
    printTakeOvers(empty, after);
    addFigures(soak, raw, openLoop, openRate, openDisturbances, empty, after);
    details.put("windows", soak.stream().map(Window::asJson).toList());
    details.put(
        "openLoop",
        Map.of(
            "sagasPerSecond",
            openRate,
            "sagas",
            openLoop.sagas(),
            "latencyP50Ms",
            Medians.percentile(openLoop.latencies(), 0.5),
            "latencyP99Ms",
            Medians.percentile(openLoop.latencies(), 0.99),
            "statuses",
            openLoop.statuses(),
            "disturbances",
            openDisturbances));
    details.put("takeOversMs", Map.of("emptyStack", byText(empty), "afterSoak", byText(after)));
    details.put("rawChainSagasPerSecond", raw);
    out.println();
    out.println("targets (printed, never asserted):");
    figures.stream()
        .filter(f -> f.target().isPresent())
        .forEach(f -> out.printf("  %-62s %s%n", f.name() + ", " + f.unit(), f.targetText()));
    if (!partOfAll()) {
      out.println();
      AllBench.print(figures, out);
      AllBench.keep(
          new AllBench.Run(started, quick, "-" + SCENARIO),
          figures,
          Map.of(SCENARIO, details),
          Map.of(),
          Optional.ofNullable(results),
          Optional.empty(),
          out);
    }
    return 0;
  }

  /**
   * The closed-loop soak: {@code total} sagas in {@code count} windows, each between two readings
   * of the stack.
   */
  private List<Window> soak(
      DevStack stack, RelayedLines relayed, TaskLoad load, int total, int count) throws Exception {
    String prefix = stack.settings().topics().prefix();
    String rawTopics = prefix + ".raw-";
    List<Window> windows = new ArrayList<>();
    try (Admin admin = Admin.create(ClientConfigs.admin(stack.settings().kafka()))) {
      for (int w = 1; w <= count; w++) {
        int size = total / count + (w <= total % count ? 1 : 0);
        Window window =
            window(
                stack,
                relayed,
                admin,
                t -> t.startsWith(prefix) && !t.startsWith(rawTopics),
                () -> load.closedLoop(size, inFlight));
        windows.add(window);
        progress().step(nth("window", w, count) + ": " + describe(window));
      }
    }
    return windows;
  }

  private static Map<String, List<Long>> byText(Map<StackTakeOvers.Kind, List<Long>> trials) {
    Map<String, List<Long>> m = new LinkedHashMap<>();
    trials.forEach((kind, ms) -> m.put(kind.text, ms));
    return m;
  }

  private int orDefault(Integer given, int full, int small) {
    return given != null ? given : quick ? small : full;
  }

  private Map<StackTakeOvers.Kind, List<Long>> takeOvers(
      StackTakeOvers takeOvers, int trialCount, String when) throws Exception {
    Map<StackTakeOvers.Kind, List<Long>> ms = new EnumMap<>(StackTakeOvers.Kind.class);
    for (int t = 1; t <= trialCount; t++) {
      for (StackTakeOvers.Kind kind : StackTakeOvers.Kind.values()) {
        progress()
            .step("take-over " + when + ": " + kind.text + ", " + nth("trial", t, trialCount));
        ms.computeIfAbsent(kind, k -> new ArrayList<>()).add(takeOvers.trial(kind));
      }
    }
    out.printf(
        "take-overs %s: %s%n",
        when,
        String.join(
            ", ",
            ms.entrySet().stream()
                .map(e -> e.getKey().text + " " + list(e.getValue(), "%d") + " ms")
                .toList()));
    return ms;
  }

  /** What might throw while a window's load runs. */
  private interface Load {
    TaskLoad.Stretch run() throws Exception;
  }

  /** Runs {@code load} between two readings of the machine, the processes and the topics. */
  private static Window window(
      DevStack stack, RelayedLines relayed, Admin admin, Predicate<String> topics, Load load)
      throws Exception {
    TopicFootprint topicsBefore = TopicFootprint.read(admin, topics);
    Map<String, Double> cpuBefore = cpuSeconds(stack);
    Optional<CpuTimes> machineBefore = CpuTimes.now();
    int disturbancesBefore = relayed.disturbances();
    TaskLoad.Stretch stretch = load.run();
    double busy =
        machineBefore
            .flatMap(b -> CpuTimes.now().map(a -> 100 * a.busySince(b)))
            .orElse(Double.NaN);
    Map<String, Double> cpuAfter = cpuSeconds(stack);
    Map<String, Double> cpuMs = new TreeMap<>();
    cpuAfter.forEach(
        (kind, s) ->
            cpuMs.put(kind, (s - cpuBefore.getOrDefault(kind, 0.0)) * 1000 / stretch.sagas()));
    TopicFootprint written = TopicFootprint.read(admin, topics).since(topicsBefore);
    Map<String, Double> rss = new TreeMap<>();
    stack
        .children("worker-")
        .forEach(w -> PeakMemory.residentOf(w.pid()).ifPresent(mb -> rss.put(w.name(), mb)));
    return new Window(
        stretch, busy, cpuMs, written, rss, relayed.disturbancesFrom(disturbancesBefore));
  }

  /**
   * The CPU seconds each kind of process has used: this JVM (the broker and the relaying of every
   * child's lines, as dev's launcher), the coordinators, the workers and the projections, each kind
   * summed; the registry's child is not counted.
   */
  private static Map<String, Double> cpuSeconds(DevStack stack) {
    Map<String, Double> seconds = new TreeMap<>();
    cpuOf(ProcessHandle.current()).ifPresent(s -> seconds.put("launcher", s));
    for (ChildProcess c : stack.children()) {
      ProcessHandle.of(c.pid())
          .flatMap(SystemBench::cpuOf)
          .ifPresent(s -> seconds.merge(c.name().replaceAll("-\\d+$", ""), s, Double::sum));
    }
    return seconds;
  }

  private static Optional<Double> cpuOf(ProcessHandle process) {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9);
  }

  private static String describe(Window w) {
    return String.format(
        "%.1f sagas/s, p50 %.0f ms, p99 %.0f ms, cores %.0f%% busy, %.1f records and %,.0f bytes per "
            + "saga, worker RSS %s MB, %d disturbance(s), %.1f polls per saga",
        w.load().perSecond(),
        w.p50(),
        w.p99(),
        w.cpuBusy(),
        w.recordsPerSaga(),
        w.bytesPerSaga(),
        list(w.workerRss().values(), "%.0f"),
        w.disturbances().size(),
        w.load().pollsPerSaga());
  }

  private void printWindows(List<Window> soak) {
    out.println();
    out.printf(
        "%-7s %7s %9s %9s %9s %7s %9s %11s %12s %10s %7s%n",
        "window",
        "sagas",
        "sagas/s",
        "p50 ms",
        "p99 ms",
        "cores",
        "records",
        "bytes",
        "worker RSS",
        "disturb.",
        "polls");
    for (int i = 0; i < soak.size(); i++) {
      Window w = soak.get(i);
      out.printf(
          "%-7d %7d %9.1f %9.0f %9.0f %6.0f%% %9.1f %11s %12s %10d %7.1f%n",
          i + 1,
          w.load().sagas(),
          w.load().perSecond(),
          w.p50(),
          w.p99(),
          w.cpuBusy(),
          w.recordsPerSaga(),
          String.format("%,.0f", w.bytesPerSaga()),
          list(w.workerRss().values(), "%.0f"),
          w.disturbances().size(),
          w.load().pollsPerSaga());
    }
    out.println(
        "latency: submission until GET /tasks/{id} shows the saga ended; records and bytes: per saga, every "
            + "topic of the stack (records = end offsets, transaction markers included; bytes = growth of the replicas' "
            + "logs); worker RSS in MB at the window's end; polls: GET /tasks/{id} per saga");
    Map<String, List<Double>> cpu = new TreeMap<>();
    soak.forEach(
        w ->
            w.cpuMsPerSaga()
                .forEach((k, v) -> cpu.computeIfAbsent(k, x -> new ArrayList<>()).add(v)));
    out.println(
        "CPU ms per saga, per window: "
            + String.join(
                "; ",
                cpu.entrySet().stream()
                    .map(e -> e.getKey() + " " + list(e.getValue(), "%.1f"))
                    .toList()));
    Map<String, Integer> statuses = new TreeMap<>();
    soak.forEach(w -> w.load().statuses().forEach((k, v) -> statuses.merge(k, v, Integer::sum)));
    out.println("sagas of the soak by how they ended: " + statuses);
    soak.stream()
        .filter(w -> !w.disturbances().isEmpty())
        .limit(1)
        .forEach(
            w ->
                out.println(
                    "first disturbance lines of a window: "
                        + String.join(" | ", w.disturbances().stream().limit(5).toList())));
  }

  private void printTopics(Window first, Window last) {
    out.println();
    out.printf(
        "%-58s %12s %12s %12s %12s%n",
        "per saga, by topic", "records 1st", "records last", "bytes 1st", "bytes last");
    TreeSet<String> topics = new TreeSet<>(first.written().records().keySet());
    topics.addAll(last.written().records().keySet());
    for (String t : topics) {
      out.printf(
          "%-58s %12.2f %12.2f %12.0f %12.0f%n",
          t,
          perSaga(first, first.written().records(), t),
          perSaga(last, last.written().records(), t),
          perSaga(first, first.written().bytes(), t),
          perSaga(last, last.written().bytes(), t));
    }
  }

  private static double perSaga(Window w, Map<String, Long> by, String topic) {
    return (double) by.getOrDefault(topic, 0L) / w.load().sagas();
  }

  private void printTakeOvers(
      Map<StackTakeOvers.Kind, List<Long>> empty, Map<StackTakeOvers.Kind, List<Long>> after) {
    out.println();
    out.printf(
        "%-24s %28s %28s %8s%n",
        "take-over, ms (median)", "empty stack", "after the soak", "ratio");
    for (StackTakeOvers.Kind kind : StackTakeOvers.Kind.values()) {
      out.printf(
          "%-24s %28s %28s %8.2f%n",
          kind.text,
          Math.round(Medians.of(empty.get(kind))) + " " + list(empty.get(kind), "%d"),
          Math.round(Medians.of(after.get(kind))) + " " + list(after.get(kind), "%d"),
          Medians.of(after.get(kind)) / Medians.of(empty.get(kind)));
    }
    out.println(
        "worker: until the other worker's loops own every partition (fenced, state rebuilt); shard leader: "
            + "until every shard it led has a new LeaderElected");
  }

  private void addFigures(
      List<Window> soak,
      List<Double> raw,
      TaskLoad.Stretch openLoop,
      double openRate,
      int openDisturbances,
      Map<StackTakeOvers.Kind, List<Long>> empty,
      Map<StackTakeOvers.Kind, List<Long>> after) {
    Window first = soak.get(0);
    Window last = soak.get(soak.size() - 1);
    List<Double> rates = perWindow(soak, w -> w.load().perSecond());
    figures.add(
        BenchFigure.compared(
            SCENARIO,
            BenchChart.SYSTEM_WINDOWS,
            "sagas/s",
            rates,
            raw,
            Optional.of(BenchFigure.Target.ratioAtLeast(0.1))));
    figures.add(
        alone(
            "throughput, last window / first",
            "x",
            List.of(last.load().perSecond() / first.load().perSecond()),
            BenchFigure.Target.atLeast(0.9, "x")));
    figures.add(
        alone(
            "latency p50 submit to visible, per window", "ms", perWindow(soak, Window::p50), null));
    figures.add(
        alone(
            "latency p99 submit to visible, per window", "ms", perWindow(soak, Window::p99), null));
    figures.add(
        alone(
            "open loop at half the best rate, latency p50",
            "ms",
            List.of(Medians.percentile(openLoop.latencies(), 0.5)),
            null));
    figures.add(
        alone(
            "open loop at half the best rate, latency p99",
            "ms",
            List.of(Medians.percentile(openLoop.latencies(), 0.99)),
            BenchFigure.Target.atMost(250, "ms")));
    figures.add(alone("open loop rate (half the best window)", "sagas/s", List.of(openRate), null));
    figures.add(
        alone(
            "GET /tasks/{id} per saga, per window",
            "requests",
            perWindow(soak, w -> w.load().pollsPerSaga()),
            null));
    figures.add(alone("machine CPU busy, per window", "%", perWindow(soak, Window::cpuBusy), null));
    new TreeSet<>(first.cpuMsPerSaga().keySet())
        .forEach(
            kind ->
                figures.add(
                    alone(
                        "CPU per saga, " + kind + ", per window",
                        "ms",
                        perWindow(soak, w -> w.cpuMsPerSaga().getOrDefault(kind, Double.NaN)),
                        null)));
    figures.add(
        alone(
            "records per saga, all topics, per window",
            "records",
            perWindow(soak, Window::recordsPerSaga),
            null));
    figures.add(
        alone(
            "bytes per saga, all topics, per window",
            "bytes",
            perWindow(soak, Window::bytesPerSaga),
            null));
    figures.add(
        alone("worker RSS, last window", "MB", List.copyOf(last.workerRss().values()), null));
    List<Double> growth =
        last.workerRss().entrySet().stream()
            .map(e -> e.getValue() / first.workerRss().getOrDefault(e.getKey(), Double.NaN))
            .toList();
    if (!growth.isEmpty()) {
      figures.add(
          alone(
              "worker RSS, last window / first (each worker)",
              "x",
              growth,
              BenchFigure.Target.atMost(1.1, "x")));
    }
    int disturbances =
        soak.stream().mapToInt(w -> w.disturbances().size()).sum() + openDisturbances;
    // fenced, transaction aborted, leadership lost, partitions moved, a Streams task migrated
    // (RelayedLines)
    figures.add(
        alone(
            "work moved during the soak (log lines)",
            "lines",
            List.of(disturbances),
            BenchFigure.Target.atMost(0, "lines")));
    figures.add(
        alone(
            "submissions answered 429/503",
            "answers",
            List.of(soak.stream().mapToInt(w -> w.load().refused()).sum() + openLoop.refused()),
            null));
    for (StackTakeOvers.Kind kind : StackTakeOvers.Kind.values()) {
      figures.add(alone("take-over, " + kind.text + ", empty stack", "ms", empty.get(kind), null));
      figures.add(
          alone("take-over, " + kind.text + ", after the soak", "ms", after.get(kind), null));
      figures.add(
          alone(
              "take-over, " + kind.text + ", after / empty",
              "x",
              List.of(Medians.of(after.get(kind)) / Medians.of(empty.get(kind))),
              BenchFigure.Target.atMost(1.5, "x")));
    }
  }

  private static BenchFigure alone(
      String name, String unit, Collection<? extends Number> values, BenchFigure.Target target) {
    return BenchFigure.alone(SCENARIO, name, unit, values, Optional.ofNullable(target));
  }

  private static List<Double> perWindow(List<Window> soak, Function<Window, Double> figure) {
    return soak.stream().map(figure).toList();
  }

  private static String list(Collection<? extends Number> values, String format) {
    return "["
        + String.join(", ", values.stream().map(v -> String.format(format, v)).toList())
        + "]";
  }
}
