package io.conclave.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A picture of a benchmark run: the saga latency percentiles of Conclave beside raw Kafka's, the
 * sagas per second of 1, 2, 4 ... worker processes beside perfect scaling, and the system's sagas
 * per second in each window of its soak (as history grows). Rendered headless from the run's
 * figures; a panel for each that the run has.
 */
final class BenchChart {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 420;
  private static final Pattern WORKERS = Pattern.compile("^(\\d+) worker process");

  /** The {@code system} figure whose repetitions are the soak's windows, in order. */
  static final String SYSTEM_WINDOWS = "throughput per window vs raw 3-hop chain";

  private BenchChart() {}

  /**
   * Writes the picture of {@code figures} to {@code png}; false (nothing written) if it has nothing
   * to show.
   */
  static boolean write(List<BenchFigure> figures, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<JFreeChart> panels =
        Stream.of(latency(figures), scaling(figures), system(figures))
            .flatMap(Optional::stream)
            .toList();
    if (panels.isEmpty()) {
      return false;
    }
    BufferedImage image =
        new BufferedImage(panels.size() * WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    for (int i = 0; i < panels.size(); i++) {
      g.drawImage(panels.get(i).createBufferedImage(WIDTH, HEIGHT), i * WIDTH, 0, null);
    }
    g.dispose();
    return ImageIO.write(image, "png", png.toFile());
  }

  private static Optional<JFreeChart> latency(List<BenchFigure> figures) {
    var data = new DefaultCategoryDataset();
    for (BenchFigure f : figures) {
      if (f.scenario().equals("saga") && f.name().matches("latency p\\d+")) {
        String percentile = f.name().substring("latency ".length());
        data.addValue(f.conclave().median(), "Conclave", percentile);
        f.raw().ifPresent(r -> data.addValue(r.median(), "raw Kafka", percentile));
      }
    }
    if (data.getColumnCount() == 0) {
      return Optional.empty();
    }
    return Optional.of(
        ChartFactory.createBarChart(
            "3-step saga, end-to-end latency (median of repetitions)",
            "percentile",
            "ms",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false));
  }

  private static Optional<JFreeChart> system(List<BenchFigure> figures) {
    var measured = new XYSeries("Conclave (dev stack), sagas/s");
    var raw = new XYSeries("target: 0.1 x raw 3-hop chain");
    for (BenchFigure f : figures) {
      if (f.scenario().equals("system") && f.name().equals(SYSTEM_WINDOWS)) {
        List<Double> windows = f.conclave().repetitions();
        for (int i = 0; i < windows.size(); i++) {
          measured.add(i + 1, windows.get(i));
          // a tenth of raw Kafka's: the target's line (system >= 0.1 x raw)
          int window = i + 1;
          f.raw().ifPresent(r -> raw.add(window, r.median() / 10));
        }
      }
    }
    if (measured.isEmpty()) {
      return Optional.empty();
    }
    var data = new XYSeriesCollection(measured);
    if (!raw.isEmpty()) {
      data.addSeries(raw);
    }
    return Optional.of(
        ChartFactory.createXYLineChart(
            "System: sagas/s per window of the soak",
            "window",
            "sagas/s",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false));
  }

  private static Optional<JFreeChart> scaling(List<BenchFigure> figures) {
    var measured = new XYSeries("Conclave, sagas/s");
    var ideal = new XYSeries("perfect scaling");
    Double one = null;
    for (BenchFigure f : figures) {
      Matcher m = WORKERS.matcher(f.name());
      if (f.scenario().equals("scale") && m.find()) {
        int workers = Integer.parseInt(m.group(1));
        measured.add(workers, f.conclave().median());
        if (workers == 1) {
          one = f.conclave().median();
        }
      }
    }
    if (measured.isEmpty()) {
      return Optional.empty();
    }
    if (one != null) {
      for (int i = 0; i < measured.getItemCount(); i++) {
        ideal.add(measured.getX(i).doubleValue(), measured.getX(i).doubleValue() * one);
      }
    }
    var data = new XYSeriesCollection(measured);
    if (!ideal.isEmpty()) {
      data.addSeries(ideal);
    }
    return Optional.of(
        ChartFactory.createXYLineChart(
            "Horizontal scale: worker processes, 50 ms model",
            "worker processes",
            "sagas/s",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false));
  }
}
