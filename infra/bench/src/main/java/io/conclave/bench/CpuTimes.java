package io.conclave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The machine's CPU time so far, as Linux counts it (the {@code cpu} line of {@code /proc/stat}, in
 * clock ticks over all cores): two readings tell how busy the machine was between them, e.g.
 * whether a run was bound by its cores.
 *
 * @param busy ticks spent running anything (user, nice, system, irq, softirq, steal)
 * @param idle ticks spent idle or waiting for I/O
 */
record CpuTimes(long busy, long idle) {
  /** Now; empty where /proc does not say. */
  static Optional<CpuTimes> now() {
    try {
      return parse(Files.readAllLines(Path.of("/proc/stat")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The totals of a {@code /proc/stat} text. */
  static Optional<CpuTimes> parse(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith("cpu ")) {
        long[] t =
            Arrays.stream(line.substring(4).trim().split("\\s+"))
                .mapToLong(Long::parseLong)
                .toArray();
        if (t.length < 5) {
          return Optional.empty();
        }
        long idle = t[3] + t[4];
        // guest time is already counted in user time
        long all = Arrays.stream(t, 0, Math.min(t.length, 8)).sum();
        return Optional.of(new CpuTimes(all - idle, idle));
      }
    }
    return Optional.empty();
  }

  /** The share of the machine's CPU time (0 to 1) that was busy since {@code earlier}. */
  double busySince(CpuTimes earlier) {
    long busyTicks = busy - earlier.busy;
    long all = busyTicks + idle - earlier.idle;
    return all <= 0 ? 0 : (double) busyTicks / all;
  }
}
