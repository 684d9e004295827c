package io.conclave.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The peak resident set size of a process, as Linux reports it ({@code VmHWM} in {@code /proc/<pid>/status}). */
final class PeakMemory {
  private PeakMemory() {}

  /** The process's peak RSS in MB; empty where /proc does not say (not Linux, or the process is gone). */
  static Optional<Double> ofProcess(long pid) {
    try {
      return ofStatus(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The {@code VmHWM} of a {@code /proc/<pid>/status} text, in MB. */
  static Optional<Double> ofStatus(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith("VmHWM:")) {
        String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
        if (parts.length == 2 && parts[1].equals("kB")) {
          return Optional.of(Long.parseLong(parts[0]) / 1024.0);
        }
      }
    }
    return Optional.empty();
  }
}
