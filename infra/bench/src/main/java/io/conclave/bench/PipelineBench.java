package io.conclave.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave bench pipeline}: the overhead of a model's Failsafe pipeline per call ({@link
 * PipelineBenchmark}), measured with JMH in a forked JVM on this class path.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description =
        "Overhead of a model's Failsafe pipeline (retry, breaker, bulkhead, timeout) per call, with JMH.")
final class PipelineBench implements Benchmark {
  private final List<BenchFigure> figures = new ArrayList<>();

  @Override
  public List<BenchFigure> figures() {
    return figures;
  }

  @Option(
      names = "--iterations",
      defaultValue = "5",
      description = "measured iterations of 1 s (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(
      names = "--forks",
      defaultValue = "1",
      description = "forked JVMs (default: ${DEFAULT-VALUE})")
  int forks;

  @Override
  public Integer call() throws Exception {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .include(PipelineBenchmark.class.getName() + "\\.")
                    .forks(forks)
                    .warmupIterations(3)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(iterations)
                    .measurementTime(TimeValue.seconds(1))
                    .build())
            .run();
    Map<String, Double> nanos = new TreeMap<>();
    results.forEach(
        r ->
            nanos.put(
                r.getParams().getBenchmark().replaceAll(".*\\.", ""),
                r.getPrimaryResult().getScore()));
    double direct = nanos.get("direct");
    double piped = nanos.get("throughPipeline");
    // JMH reports the mean over its iterations: one value a side ("raw" is the model asked
    // directly)
    figures.add(
        BenchFigure.compared(
            "pipeline",
            "model call through its pipeline (vs asked directly)",
            "ns/call",
            List.of(piped),
            List.of(direct),
            Optional.empty()));
    System.out.printf(
        "%npipeline overhead per call: %,.0f ns (direct %,.0f ns/call, through the pipeline %,.0f "
            + "ns/call, ratio %.2f)%n",
        piped - direct, direct, piped, piped / direct);
    return 0;
  }
}
