package io.conclave.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.cli.Progress;
import io.conclave.testkit.ConclaveStack;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code conclave bench all}: every scenario in one run (the event log, sagas, leader failover, the
 * knowledge merge, the model pipeline, horizontal scale and memory, the whole dev stack), each
 * starting its own embedded broker and registry (one shared by all with {@code --quick}) and
 * measuring raw Kafka beside Conclave, then one table of every figure with its ratio and target,
 * and the results as JSON in {@code bench/results/} (with the commit and the machine) so that runs
 * can be compared, beside a PNG chart of the saga latency percentiles and the scaling.
 */
@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    description =
        "Every benchmark scenario in one run; a table of all figures and a JSON file in bench/results/.")
final class AllBench implements Callable<Integer> {
  @Option(
      names = "--quick",
      description = "every scenario small: a run of a few minutes, for a smoke test")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the results to FILE")
  Path json;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      description =
          "where each run's results are kept (default: " + "bench/results in the repository)")
  Path results;

  @Mixin Progress.Quiet quiet;

  private final PrintStream out = System.out;

  /** One scenario: how to make its command, and its arguments in a full and in a quick run. */
  private record Scenario(
      String name, Supplier<Benchmark> command, List<String> full, List<String> small) {}

  // quick: each scenario once or twice over a few records, for a smoke test of the harness, not for
  // the figures
  private static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario(
              "eventlog",
              EventLogBench::new,
              List.of(),
              List.of("--events", "2000", "--repetitions", "2", "--rebuild-events", "10000")),
          new Scenario("saga", SagaBench::new, List.of(), List.of("--quick", "--repetitions", "2")),
          new Scenario("failover", FailoverBench::new, List.of(), List.of("--trials", "1")),
          new Scenario(
              "knowledge",
              KnowledgeBench::new,
              List.of(),
              List.of("--deltas", "2000", "--keys", "100", "--repetitions", "2")),
          new Scenario("pipeline", PipelineBench::new, List.of(), List.of("--iterations", "1")),
          new Scenario(
              "scale",
              ScaleBench::new,
              List.of(),
              List.of("--workers", "1,2", "--sagas", "10", "--repetitions", "1")),
          new Scenario("system", SystemBench::new, List.of(), List.of("--quick")));

  /** The scenarios a run goes through, by name. */
  static List<String> scenarios() {
    return SCENARIOS.stream().map(Scenario::name).toList();
  }

  @Override
  public Integer call() throws Exception {
    Instant started = Instant.now();
    List<BenchFigure> figures = new ArrayList<>();
    Map<String, Object> failures = new LinkedHashMap<>();
    Map<String, Object> details = new LinkedHashMap<>();
    // a quick run's scenarios share one broker and registry, to save their start-up; a full run's
    // each start their own, so that none measures a broker still busy with the last one's topics
    // (log cleaning, ...)
    Progress progress = quiet.progress("bench");
    if (quick) {
      progress.step("starting the shared broker and registry");
    }
    try (ConclaveStack shared =
        quick ? ConclaveStack.start(Files.createTempDirectory("conclave-bench")) : null) {
      for (int i = 0; i < SCENARIOS.size(); i++) {
        Scenario s = SCENARIOS.get(i);
        Progress scenario =
            progress.within(
                StackBenchmark.nth("scenario", i + 1, SCENARIOS.size()) + ": " + s.name());
        scenario.step("starting");
        out.printf("%n=== %s%n", s.name());
        Benchmark bench = s.command().get();
        if (bench instanceof StackBenchmark b) {
          b.report(scenario);
          if (shared != null) {
            b.share(shared);
          }
        }
        int exit =
            new CommandLine(bench).execute((quick ? s.small() : s.full()).toArray(String[]::new));
        if (exit != 0) {
          failures.put(s.name(), "exit code " + exit);
        }
        scenario.step(exit == 0 ? "done" : "failed, exit code " + exit);
        figures.addAll(bench.figures());
        if (!bench.details().isEmpty()) {
          details.put(s.name(), bench.details());
        }
      }
    }
    out.printf("%n=== all scenarios%n");
    print(figures, out);
    keep(
        new Run(started, quick, ""),
        figures,
        details,
        failures,
        Optional.ofNullable(results),
        Optional.ofNullable(json),
        out);
    return failures.isEmpty() ? 0 : 1;
  }

  /**
   * A run whose results are kept.
   *
   * @param tag what its file name ends with beside the commit ({@code -quick}), e.g. the scenario
   *     of a run of one
   */
  record Run(Instant started, boolean quick, String tag) {}

  /**
   * Keeps a run's figures, and the details of its scenarios by name: as JSON in {@code
   * bench/results/<time>-<commit><tag>[-quick].json} (or {@code dir}), also in {@code json} if
   * given, and a PNG chart beside it; says where on {@code out}.
   */
  static void keep(
      Run run,
      List<BenchFigure> figures,
      Map<String, Object> details,
      Map<String, Object> failures,
      Optional<Path> dir,
      Optional<Path> json,
      PrintStream out)
      throws IOException {
    Map<String, Object> report = report(run, figures, details, failures);
    Path results = dir.orElse(repoRoot().resolve("bench").resolve("results"));
    Files.createDirectories(results);
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(run.started());
    Path kept =
        results.resolve(
            stamp
                + "-"
                + report.get("commit")
                + run.tag()
                + (run.quick() ? "-quick" : "")
                + ".json");
    write(kept, report, out);
    if (json.isPresent()) {
      write(json.get(), report, out);
    }
    Path png = results.resolve(kept.getFileName().toString().replaceAll("\\.json$", ".png"));
    if (BenchChart.write(figures, png)) {
      out.println("chart written to " + png);
    }
  }

  /** The table of every figure, on {@code out}. */
  static void print(List<BenchFigure> figures, PrintStream out) {
    out.printf(
        "%-10s %-52s %14s %14s %14s %8s   %s%n",
        "scenario", "figure", "conclave", "min", "raw Kafka", "ratio", "target");
    for (BenchFigure f : figures) {
      out.printf(
          "%-10s %-52s %14s %14s %14s %8s   %s%n",
          f.scenario(),
          f.name() + ", " + f.unit(),
          number(f.conclave().median()),
          number(f.conclave().min()),
          f.raw().map(r -> number(r.median())).orElse("-"),
          f.ratio().map(r -> String.format("%.2f", r)).orElse("-"),
          f.targetText());
    }
    out.println(
        "conclave and raw Kafka: medians over the repetitions; ratio = conclave / raw Kafka");
  }

  private static String number(double value) {
    return Math.abs(value) >= 100 ? String.format("%,.0f", value) : String.format("%.2f", value);
  }

  private static Map<String, Object> report(
      Run run,
      List<BenchFigure> figures,
      Map<String, Object> details,
      Map<String, Object> failures) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("startedAt", run.started().toString());
    report.put("endedAt", Instant.now().toString());
    report.put("quick", run.quick());
    report.put("commit", commit());
    report.put("machine", machine());
    report.put("figures", figures.stream().map(BenchFigure::asJson).toList());
    report.put("details", details);
    report.put("failures", failures);
    return report;
  }

  /** Cores, memory and JDK: what the figures depend on beside the code. */
  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("processors", Runtime.getRuntime().availableProcessors());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      m.put("memoryBytes", os.getTotalMemorySize());
    }
    m.put(
        "jdk",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    m.put("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    return m;
  }

  /**
   * The repository's commit (with "-dirty" for uncommitted changes), or "unknown" outside a git
   * checkout.
   */
  private static String commit() {
    try {
      String head = git("rev-parse", "--short=12", "HEAD");
      return git("status", "--porcelain", "--untracked-files=no").isEmpty()
          ? head
          : head + "-dirty";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String git(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", repoRoot().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + ": " + text);
    }
    return text;
  }

  private static Path repoRoot() {
    return Path.of(System.getProperty("conclave.repo.root", ".")).toAbsolutePath().normalize();
  }

  private static void write(Path file, Map<String, Object> report, PrintStream out)
      throws IOException {
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), report);
    out.println("results written to " + file);
  }
}
