package io.conclave.launcher.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The runtime class path a module's process runs on once packaged: its jar and its runtime
 * dependencies ({@code target/classpath.txt}, written by the build), what deploy/docker/Dockerfile
 * copies into a service's image and bin/conclave runs. Not the tests' class path, which has test
 * dependencies and logback-test.xml.
 */
public final class PackagedClassPath {
  private PackagedClassPath() {}

  /**
   * @param module the module's directory in the repository ({@code coordinator}, {@code
   *     agent-worker/engine}, ...)
   * @throws IllegalStateException if the module is not packaged
   */
  public static String of(String module) throws IOException {
    Path target = repoRoot().resolve(module).resolve("target");
    Path dependencies = target.resolve("classpath.txt");
    if (!Files.isRegularFile(dependencies)) {
      throw new IllegalStateException(dependencies + " is missing: package " + module + " first");
    }
    try (Stream<Path> files = Files.list(target)) {
      Path jar =
          files
              .filter(f -> f.getFileName().toString().matches("conclave-.*-SNAPSHOT\\.jar"))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("no jar of " + module + " in " + target));
      return jar + java.io.File.pathSeparator + Files.readString(dependencies).strip();
    }
  }

  private static Path repoRoot() {
    String root = System.getProperty("conclave.repo.root", "");
    // failsafe names the root; an IDE runs the module's tests from the module's directory
    return root.isBlank() ? Path.of("../..").toAbsolutePath().normalize() : Path.of(root);
  }
}
