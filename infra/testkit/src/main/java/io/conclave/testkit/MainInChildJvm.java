package io.conclave.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a service's {@code main} in a JVM of its own, on this JVM's class path, the way an operator
 * starts it, and waits for it to exit: for the checks of what a process does before it reaches for
 * Kafka (refusing a configuration, say).
 */
public final class MainInChildJvm {
  private MainInChildJvm() {}

  /**
   * How the process ended.
   *
   * @param exited whether it exited within the wait (else it was killed)
   * @param output its standard output and error, interleaved
   */
  public record Run(boolean exited, int exitCode, String output) {}

  /**
   * Runs {@code mainClass} with {@code systemProperties} ({@code -Dname=value}), its output going
   * to {@code log}; kills it if it has not exited after 60 s.
   */
  public static Run run(Class<?> mainClass, List<String> systemProperties, Path log)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(systemProperties);
    command.add(mainClass.getName());
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    return new Run(exited, process.exitValue(), Files.readString(log));
  }
}
