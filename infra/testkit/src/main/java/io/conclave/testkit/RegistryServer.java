package io.conclave.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry 2.4.2.Final (built by the {@code infra/registry} module) as a child
 * process on a free loopback port, with in-memory storage (or {@link #startKeeping kept} in files).
 * The process is destroyed by {@link #close()} and at JVM exit.
 */
public final class RegistryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);
  private static final String JAR = "infra/registry/target/quarkus-app/quarkus-run.jar";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final int port;
  private final Thread reaper;

  private RegistryServer(Process process, int port) {
    this.process = process;
    this.port = port;
    this.reaper = new Thread(process::destroyForcibly, "registry-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Starts the registry on a free port and waits until it answers. */
  public static RegistryServer start(Path logFile) {
    return start(locateJar(), freePort(), logFile);
  }

  public static RegistryServer start(Path jar, int port, Path logFile) {
    return start(jar, port, logFile, List.of());
  }

  /**
   * Starts the registry on {@code port} with its storage in {@code dir}, where it outlives the
   * process: artifacts, versions and their global ids are the same on the next start on {@code dir}
   * (records in topics carry those ids).
   *
   * <p>Why an H2 file: 2.4.2's default storage is its SQL storage on an in-memory H2 database
   * ({@code jdbc:h2:mem:registry_db}), so pointing that same storage at a file is one setting and
   * no other artifact. Its KafkaSQL storage (the registry kept in a topic) would need another
   * storage module in the server build, and would tie the registry's start to the broker's.
   */
  public static RegistryServer startKeeping(Path dir, int port, Path logFile) {
    Path database = dir.toAbsolutePath().resolve("registry");
    // WRITE_DELAY=0: each commit is on disk when the call returns, so a registry killed at JVM exit
    // (see the reaper) loses nothing it acknowledged
    return start(
        locateJar(),
        port,
        logFile,
        List.of("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + database + ";WRITE_DELAY=0"));
  }

  private static RegistryServer start(
      Path jar, int port, Path logFile, List<String> systemProperties) {
    long t0 = System.nanoTime();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                javaBinary(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xss512k",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.log.level=WARN",
                "-Dquarkus.banner.enabled=false"));
    cmd.addAll(systemProperties);
    cmd.addAll(List.of("-jar", jar.toString()));
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      RegistryServer server = new RegistryServer(p, port);
      server.awaitReady(logFile);
      log.info(
          "Apicurio Registry ready at {} in {} ms",
          server.url(),
          (System.nanoTime() - t0) / 1_000_000);
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("could not start the registry: " + e.getMessage(), e);
    }
  }

  /** The v2 API root that Conclave's serdes take as registry URL. */
  public String url() {
    return "http://127.0.0.1:" + port + "/apis/registry/v2";
  }

  public int port() {
    return port;
  }

  /** The registry's process, to pause it (see {@link Signals}) or watch it. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  private void awaitReady(Path logFile) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest info =
        HttpRequest.newBuilder(URI.create(url() + "/system/info"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the registry exited with " + process.exitValue() + "; see " + logFile);
      }
      try {
        if (http.send(info, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
      sleep(200);
    }
    close();
    throw new IllegalStateException(
        "the registry did not answer within " + STARTUP_TIMEOUT + "; see " + logFile);
  }

  /**
   * The registry server's launcher jar: {@code -Dconclave.registry.jar}, else {@value #JAR} under
   * the repository root ({@code -Dconclave.repo.root}) or any parent of the working directory.
   */
  public static Path locateJar() {
    String explicit = System.getProperty("conclave.registry.jar");
    if (explicit != null) {
      return existing(Path.of(explicit));
    }
    List<Path> roots = new ArrayList<>();
    String root = System.getProperty("conclave.repo.root");
    if (root != null) {
      roots.add(Path.of(root));
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      roots.add(p);
    }
    for (Path r : roots) {
      Path candidate = r.resolve(JAR);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "the Apicurio Registry server is not built: no "
            + JAR
            + " above "
            + Path.of("").toAbsolutePath()
            + ". Build it with: mvn -f infra/registry/pom.xml package");
  }

  private static Path existing(Path p) {
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(
          "conclave.registry.jar points to " + p + ", which does not exist");
    }
    return p;
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }
}
