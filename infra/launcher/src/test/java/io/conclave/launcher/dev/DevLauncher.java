package io.conclave.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.conclave.launcher.ConclaveCli;
import io.conclave.launcher.cli.Endpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code conclave dev ARGS} run as a user runs it, in a JVM of its own started in a working
 * directory; its output is collected line by line.
 */
final class DevLauncher implements AutoCloseable {
  static final String RUNNING = "Conclave is running. Ctrl-C stops everything.";

  private final Path workDir;
  private final Process process;
  private final Thread reader;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private DevLauncher(Path workDir, Process process) {
    this.workDir = workDir;
    this.process = process;
    this.reader = new Thread(this::read, "dev-launcher-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code conclave dev args...} in {@code workDir} and waits until it says it runs. */
  static DevLauncher start(Path workDir, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dconclave.repo.root=" + System.getProperty("conclave.repo.root", "")));
    String registryJar = System.getProperty("conclave.registry.jar");
    if (registryJar != null) { // where the registry server was built, if not under the root
      cmd.add("-Dconclave.registry.jar=" + registryJar);
    }
    cmd.addAll(
        List.of("-cp", System.getProperty("java.class.path"), ConclaveCli.class.getName(), "dev"));
    cmd.addAll(List.of(args));
    DevLauncher dev =
        new DevLauncher(
            workDir,
            new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start());
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> dev.output.contains(RUNNING) || !dev.process.isAlive());
    assertThat(dev.process.isAlive()).as(dev.transcript()).isTrue();
    return dev;
  }

  /** The lines it printed so far. */
  List<String> output() {
    return List.copyOf(output);
  }

  String transcript() {
    return String.join("\n", output);
  }

  /** What it wrote to {@code .conclave/endpoints.properties} for the CLI. */
  Properties endpoints() throws IOException {
    Properties written = new Properties();
    try (Reader in = Files.newBufferedReader(workDir.resolve(Endpoints.FILE))) {
      written.load(in);
    }
    return written;
  }

  /** SIGTERM, as Ctrl-C, then waits until it has stopped everything and exited. */
  void stop() throws InterruptedException {
    process.toHandle().destroy(); // Process.destroy() would also close our end of its output
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).as(transcript()).isTrue();
    reader.join(10_000); // the last lines may still be in the pipe
    assertThat(output).as(transcript()).contains("conclave: stopped");
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private void read() {
    try (var in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.add(line);
      }
    } catch (IOException e) {
      // process ended
    }
  }
}
