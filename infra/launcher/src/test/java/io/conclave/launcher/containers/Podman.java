package io.conclave.launcher.containers;

import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.launcher.docs.SourceTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The podman command line for the container tests: builds the images of {@code deploy/docker} from
 * the jars the Maven build staged, and runs containers on the host's network (the only network
 * these machines give containers a route to the host by). Without podman or without the base image
 * the tests skip, naming what is missing; with {@code CONCLAVE_CONTAINER_TESTS=required} (as CI
 * sets it) they fail instead, so that a broken setup cannot pass as a skipped test.
 */
final class Podman {
  /** Every container a test starts carries it, with the test run's id: to remove them all. */
  static final String LABEL = "io.conclave.test";

  static final String KAFKA_IMAGE = "localhost/conclave/kafka:4.3.1";
  static final String REGISTRY_IMAGE = "localhost/conclave/registry:2.4.2";

  private static final Path ROOT = SourceTree.root();
  private static final String BASE_IMAGE =
      System.getenv().getOrDefault("CONCLAVE_BASE_IMAGE", "localhost/conclave-base:17");
  private static final boolean REQUIRED =
      "required".equals(System.getenv("CONCLAVE_CONTAINER_TESTS"));

  /**
   * CI installs podman and builds the base image while Maven runs: a required test waits this long
   * for them.
   */
  private static final Duration SET_UP_WAIT = Duration.ofMinutes(10);

  private static boolean built;

  private Podman() {}

  /**
   * Skips the test (fails it where containers are required) unless podman and the base image are
   * here.
   */
  static void assumeAvailable() {
    Optional<String> missing = missing();
    if (missing.isPresent()) {
      if (REQUIRED) {
        fail("CONCLAVE_CONTAINER_TESTS=required, but " + missing.get());
      }
      Assumptions.abort(
          missing.get() + ": the container tests skip (see README, \"Run it at scale\")");
    }
  }

  private static Optional<String> missing() {
    Instant until = Instant.now().plus(REQUIRED ? SET_UP_WAIT : Duration.ZERO);
    Optional<String> missing = missingNow();
    while (missing.isPresent() && Instant.now().isBefore(until)) {
      sleep(Duration.ofSeconds(5));
      missing = missingNow();
    }
    return missing;
  }

  private static Optional<String> missingNow() {
    try {
      exec(List.of("podman", "--version"), Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      return Optional.of("no podman here (" + e.getMessage() + ")");
    }
    if (!imageExists(BASE_IMAGE)) {
      return Optional.of(
          "no base image "
              + BASE_IMAGE
              + " (deploy/docker/build-base-image.sh makes it; CONCLAVE_BASE_IMAGE names another)");
    }
    return Optional.empty();
  }

  private static boolean imageExists(String image) {
    try {
      exec(List.of("podman", "image", "exists", image), Duration.ofSeconds(30));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Builds the Kafka and registry images and the image of every service deploy/compose.yaml builds
   * (with its MODULE and MAIN_CLASS), on the base image; once per test JVM, from the layers podman
   * cached.
   */
  static synchronized void buildImages() {
    if (built) {
      return;
    }
    Instant start = Instant.now();
    build("deploy/docker/Dockerfile.kafka", KAFKA_IMAGE, Map.of());
    build("deploy/docker/Dockerfile.registry", REGISTRY_IMAGE, Map.of());
    Map<?, ?> compose = (Map<?, ?>) SourceTree.yaml(ROOT.resolve("deploy/compose.yaml")).get(0);
    for (Object service : ((Map<?, ?>) compose.get("services")).values()) {
      Map<?, ?> s = (Map<?, ?>) service;
      if (s.get("build") instanceof Map<?, ?> b && b.get("args") instanceof Map<?, ?> args) {
        // the dockerfile is relative to the build's context, the repository (DeploymentFiles checks
        // it)
        build(
            String.valueOf(b.get("dockerfile")),
            image(String.valueOf(s.get("image"))),
            Map.of(
                "MODULE", String.valueOf(args.get("MODULE")),
                "MAIN_CLASS", String.valueOf(args.get("MAIN_CLASS"))));
      }
    }
    built = true;
    System.out.println(
        "images built on " + BASE_IMAGE + " in " + Duration.between(start, Instant.now()));
  }

  /** The local name of an image compose names: podman puts unqualified names under localhost/. */
  static String image(String composeName) {
    return "localhost/" + composeName + ":latest";
  }

  private static void build(String dockerfile, String tag, Map<String, String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "podman",
                "build",
                "-q",
                "--ulimit",
                "nofile=20000:20000",
                "--ulimit",
                "nproc=4096:4096",
                "--build-arg",
                "BASE_IMAGE=" + BASE_IMAGE,
                "-f",
                dockerfile,
                "-t",
                tag));
    args.forEach((k, v) -> command.addAll(List.of("--build-arg", k + "=" + v)));
    command.add(".");
    exec(command, Duration.ofMinutes(10));
  }

  /** Runs podman with {@code args}; its standard output, or an exception naming its error. */
  static String podman(String... args) {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(List.of(args));
    return exec(command, Duration.ofMinutes(5));
  }

  private static String exec(List<String> command, Duration timeout) {
    try {
      Path err = Files.createTempFile("podman", ".err");
      Process p =
          new ProcessBuilder(command).directory(ROOT.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end in " + timeout);
      }
      String error = Files.readString(err);
      Files.delete(err);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited with " + p.exitValue() + ": " + error.strip());
      }
      return new String(out, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
