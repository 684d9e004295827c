package io.conclave.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.ConclaveCli;
import io.conclave.launcher.harness.Http;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code conclave dev} as a user runs it: one launcher process that starts a real broker and
 * registry, provisions the topics and starts coordinator, worker and projections as separate
 * processes; a task goes through; stopping the launcher leaves nothing running.
 */
class DevLauncherIT {
  private static final Pattern PID = Pattern.compile("^\\s+(\\S+)\\s+pid (\\d+)$");

  @Test
  void runsATaskThroughSeparateProcessesAndStopsEverything() throws Exception {
    // Given
    Path workDir = Files.createTempDirectory("conclave-dev");
    int port = Http.freePort();
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-Dconclave.repo.root=" + System.getProperty("conclave.repo.root", ""),
            "-cp",
            System.getProperty("java.class.path"),
            ConclaveCli.class.getName(),
            "dev",
            "--workers",
            "1",
            "--coordinators",
            "1",
            "--http-port",
            Integer.toString(port));
    Process launcher =
        new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> read(launcher, output));
    reader.setDaemon(true);
    reader.start();
    try {
      // When
      await()
          .atMost(Duration.ofMinutes(3))
          .until(
              () ->
                  output.contains("Conclave is running. Ctrl-C stops everything.")
                      || !launcher.isAlive());
      assertThat(launcher.isAlive()).as(String.join("\n", output)).isTrue();
      // the processes are listed after that line: the reader may not have reached them yet
      await().atMost(Duration.ofSeconds(10)).until(() -> childPids(output).size() >= 3);
      List<Long> children = childPids(output);
      assertThat(children).hasSize(3); // coordinator, worker, projections
      Path endpoints = workDir.resolve(".conclave/endpoints.properties");
      assertThat(Files.readString(endpoints))
          .contains("conclave.http.url=http\\://127.0.0.1\\:" + port);
      // the admin token dev made: in the file, which only its owner reads, and in no output
      Properties written = new Properties();
      try (var in = Files.newBufferedReader(endpoints)) {
        written.load(in);
      }
      String token = written.getProperty("conclave.api.token");
      assertThat(token).hasSizeGreaterThanOrEqualTo(40);
      assertThat(Files.getPosixFilePermissions(endpoints))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

      String task = "{\"taskId\":\"dev-1\",\"prompt\":\"Plan a trip\"}";
      assertThat(new Http("http://127.0.0.1:" + port, null).postJson("/tasks", task).statusCode())
          .isEqualTo(401);
      Http http = new Http("http://127.0.0.1:" + port, token);
      assertThat(http.postJson("/tasks", task).statusCode()).isEqualTo(202);
      http.awaitTaskStatus("dev-1", "COMPLETED");
      // `conclave token` run in the same directory prints it, for curl
      Process printed = cli(workDir, "token");
      assertThat(new String(printed.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim())
          .isEqualTo(token);
      assertThat(printed.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Process json = cli(workDir, "token", "--json");
      assertThat(new ObjectMapper().readTree(json.getInputStream()).path("token").asText())
          .isEqualTo(token);
      assertThat(json.waitFor(30, TimeUnit.SECONDS)).isTrue();

      // Then: SIGTERM to the launcher stops every process it started
      launcher
          .toHandle()
          .destroy(); // SIGTERM; Process.destroy() would also close our end of its output
      assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", output)).isTrue();
      reader.join(10_000); // the last lines may still be in the pipe
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  children.stream()
                      .noneMatch(
                          pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
      assertThat(output).contains("conclave: stopped");
      assertThat(output).noneMatch(line -> line.contains(token));
      assertThat(workDir.resolve(".conclave/endpoints.properties")).doesNotExist();
    } finally {
      launcher.destroyForcibly();
    }
  }

  /**
   * {@code conclave args...} run in {@code workDir}, where it finds the running launcher's
   * endpoints file.
   */
  private static Process cli(Path workDir, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ConclaveCli.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(workDir.toFile()).start();
  }

  private static List<Long> childPids(List<String> output) {
    List<Long> pids = new ArrayList<>();
    for (String line : output) {
      Matcher m = PID.matcher(line);
      if (m.matches()) {
        pids.add(Long.parseLong(m.group(2)));
      }
    }
    return pids;
  }

  private static void read(Process p, List<String> into) {
    try (var in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        into.add(line);
      }
    } catch (IOException e) {
      // process ended
    }
  }
}
