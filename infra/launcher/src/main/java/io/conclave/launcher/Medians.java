package io.conclave.launcher;

import java.util.List;

/** The median the benchmarks report: the middle value, or the mean of the two middle ones. */
final class Medians {
  private Medians() {}

  static double of(List<? extends Number> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
