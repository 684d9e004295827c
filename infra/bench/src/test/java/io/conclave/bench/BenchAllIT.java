package io.conclave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A smoke test of the benchmark harness: {@code conclave bench all --quick} runs every scenario
 * against its own embedded broker and registry, and keeps a well-formed JSON report of its figures
 * and a chart. The numbers are not checked: speed goals live in the benchmark's own output.
 */
class BenchAllIT {
  @Test
  void aQuickRunOfEveryScenarioKeepsAWellFormedReport() throws Exception {
    Path results = Files.createTempDirectory("bench-results");
    Path copy = results.resolve("copy.json");

    int exit =
        new CommandLine(new AllBench())
            .execute("--quick", "--results", results.toString(), "--json", copy.toString());

    assertThat(exit).isZero();
    File[] kept = results.toFile().listFiles((dir, name) -> name.endsWith("-quick.json"));
    assertThat(kept).hasSize(1);
    JsonNode report = new ObjectMapper().readTree(kept[0]);
    assertThat(new ObjectMapper().readTree(copy.toFile())).isEqualTo(report);
    assertThat(report.path("quick").asBoolean()).isTrue();
    assertThat(report.path("commit").asText()).isNotBlank();
    assertThat(report.path("machine").path("processors").asInt()).isPositive();
    assertThat(report.path("machine").path("jdk").asText()).isNotBlank();
    assertThat(report.path("failures").isEmpty()).isTrue();
    Set<String> scenarios = new HashSet<>();
    for (JsonNode figure : report.path("figures")) {
      scenarios.add(figure.path("scenario").asText());
      assertThat(figure.path("figure").asText()).isNotBlank();
      assertThat(figure.path("unit").asText()).isNotBlank();
      assertThat(figure.path("conclave").path("median").isNumber()).isTrue();
      assertThat(figure.path("conclave").path("repetitions").size()).isPositive();
      // a ratio only beside a raw Kafka baseline; whether a target is met, only with a target
      assertThat(figure.has("ratio")).isEqualTo(figure.has("raw"));
      assertThat(figure.has("met")).isEqualTo(figure.has("target"));
    }
    assertThat(scenarios).containsAll(AllBench.scenarios()).contains("memory");
    // the system scenario keeps its soak's windows in order, for the chart: --quick measures 3
    assertThat(report.path("figures"))
        .filteredOn(
            f ->
                f.path("scenario").asText().equals("system")
                    && f.path("figure").asText().equals(BenchChart.SYSTEM_WINDOWS))
        .singleElement()
        .satisfies(f -> assertThat(f.path("conclave").path("repetitions").size()).isEqualTo(3));
    // and each window in detail, topic by topic
    JsonNode windows = report.path("details").path("system").path("windows");
    assertThat(windows.size()).isEqualTo(3);
    assertThat(windows.get(0).path("recordsPerSaga").size()).isPositive();
    assertThat(windows.get(0).path("sagasPerSecond").isNumber()).isTrue();
    // and its picture: the latency percentiles, the scaling and the system's windows
    File png = new File(kept[0].getPath().replaceAll("\\.json$", ".png"));
    BufferedImage chart = ImageIO.read(png);
    assertThat(chart).isNotNull();
    assertThat(chart.getWidth()).isGreaterThan(chart.getHeight());
  }
}
