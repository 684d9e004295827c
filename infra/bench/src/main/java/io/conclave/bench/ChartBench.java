package io.conclave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code conclave bench chart FILE}: the PNG chart of a run's results again, from its JSON, beside
 * it.
 */
@Command(
    name = "chart",
    mixinStandardHelpOptions = true,
    description = "Render the chart of a results JSON file of bench all (written beside it, .png).")
final class ChartBench implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "a results file of bench all")
  Path results;

  @Override
  public Integer call() throws Exception {
    JsonNode report = new ObjectMapper().readTree(results.toFile());
    List<BenchFigure> figures = new ArrayList<>();
    report.path("figures").forEach(f -> figures.add(BenchFigure.fromJson(f)));
    Path png =
        results.resolveSibling(
            results.getFileName().toString().replaceAll("\\.json$", "") + ".png");
    if (!BenchChart.write(figures, png)) {
      System.err.println(results + " has no saga latencies, scaling nor system figures to draw");
      return 1;
    }
    System.out.println("chart written to " + png);
    return 0;
  }
}
