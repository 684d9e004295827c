package io.conclave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The resident memory of a process, as Linux reports it in {@code /proc/<pid>/status}: its peak
 * ({@code VmHWM}) and what it holds now ({@code VmRSS}).
 */
final class PeakMemory {
  private static final String PEAK = "VmHWM:";
  private static final String NOW = "VmRSS:";

  private PeakMemory() {}

  /**
   * The process's peak RSS in MB; empty where /proc does not say (not Linux, or the process is
   * gone).
   */
  static Optional<Double> ofProcess(long pid) {
    return read(pid, PEAK);
  }

  /** The process's RSS now in MB; empty where /proc does not say. */
  static Optional<Double> residentOf(long pid) {
    return read(pid, NOW);
  }

  /** The {@code VmHWM} of a {@code /proc/<pid>/status} text, in MB. */
  static Optional<Double> ofStatus(List<String> lines) {
    return field(lines, PEAK);
  }

  private static Optional<Double> read(long pid, String field) {
    try {
      return field(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")), field);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Double> field(List<String> lines, String field) {
    for (String line : lines) {
      if (line.startsWith(field)) {
        String[] parts = line.substring(field.length()).trim().split("\\s+");
        if (parts.length == 2 && parts[1].equals("kB")) {
          return Optional.of(Long.parseLong(parts[0]) / 1024.0);
        }
      }
    }
    return Optional.empty();
  }
}
