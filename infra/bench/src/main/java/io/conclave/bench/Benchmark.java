package io.conclave.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A benchmark of {@code conclave bench}: a command that measures, and the figures of its last run.
 */
interface Benchmark extends Callable<Integer> {
  /** What the last run measured; empty before it ran. */
  List<BenchFigure> figures();

  /**
   * What the last run measured beyond its figures, kept in the JSON report as it is (e.g. each
   * window of a soak, topic by topic); empty by default.
   */
  default Map<String, Object> details() {
    return Map.of();
  }
}
