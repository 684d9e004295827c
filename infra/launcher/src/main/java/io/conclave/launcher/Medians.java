package io.conclave.launcher;

import java.util.List;

/**
 * The median and the other percentiles the benchmarks report, by linear interpolation between the
 * two nearest ranks (the median is the middle value, or the mean of the two middle ones).
 */
public final class Medians {
  private Medians() {}

  public static double of(List<? extends Number> values) {
    return percentile(values, 0.5);
  }

  /**
   * The {@code q}-quantile of {@code values}: {@code 0} is the minimum, {@code 0.5} the median,
   * {@code 0.999} the p999, {@code 1} the maximum.
   *
   * @throws IllegalArgumentException if there are no values or {@code q} is outside [0, 1]
   */
  public static double percentile(List<? extends Number> values, double q) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("q must be between 0 and 1, was " + q);
    }
    double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    double rank = q * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    int above = (int) Math.ceil(rank);
    return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
  }
}
