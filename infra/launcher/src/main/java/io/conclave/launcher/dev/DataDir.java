package io.conclave.launcher.dev;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The directory where {@code conclave dev} keeps its embedded broker's and registry's data between
 * runs ({@code .conclave/} by default): {@code kafka/} (log directory and KRaft metadata), {@code
 * registry/} (the registry's H2 database), {@code streams/} (the projections' local state) and
 * {@code ports.properties}, the loopback ports chosen on the first run and taken again on every
 * later one, so that clients keep their addresses.
 */
public record DataDir(Path path) {
  static final String PORTS_FILE = "ports.properties";

  /** The broker's files ({@code EmbeddedKafka.startKeeping}). */
  public Path kafka() {
    return path.resolve("kafka");
  }

  /** The registry's files ({@code RegistryServer.startKeeping}). */
  public Path registry() {
    return path.resolve("registry");
  }

  /** The ports the embedded servers listen on, the same on every run on this directory. */
  public record Ports(int broker, int controller, int registry) {}

  /**
   * The ports of {@link #PORTS_FILE}; on the first run (no such file), free ones, written there.
   * Fails if a kept port is taken now: another process holds it (often another {@code conclave dev}
   * on this directory), and a new port would break the clients that know the old one.
   */
  public Ports ports() {
    Path file = path.resolve(PORTS_FILE);
    try {
      if (Files.exists(file)) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
          p.load(r);
        }
        Ports kept =
            new Ports(
                port(p, "broker", file), port(p, "controller", file), port(p, "registry", file));
        for (int port : new int[] {kept.broker(), kept.controller(), kept.registry()}) {
          if (DevStack.portOrFree(port) != port) {
            throw new IllegalStateException(
                "port "
                    + port
                    + " (kept in "
                    + file
                    + ") is in use: is another conclave dev running on "
                    + path
                    + "? Stop it, or start with --fresh (which deletes the data)");
          }
        }
        return kept;
      }
      Ports chosen =
          new Ports(DevStack.portOrFree(0), DevStack.portOrFree(0), DevStack.portOrFree(0));
      Properties p = new Properties();
      p.setProperty("broker", Integer.toString(chosen.broker()));
      p.setProperty("controller", Integer.toString(chosen.controller()));
      p.setProperty("registry", Integer.toString(chosen.registry()));
      Files.createDirectories(path);
      try (Writer w = Files.newBufferedWriter(file)) {
        p.store(w, "loopback ports of conclave dev's broker and registry, kept across restarts");
      }
      return chosen;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code --fresh}: deletes the directory and all it holds. Refuses while a broker runs on it (the
   * broker locks its log directory's {@code .lock} file while it runs).
   */
  public void delete() throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    Path lock = kafka().resolve("logs").resolve(".lock");
    if (Files.exists(lock)) {
      try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
          FileLock held = channel.tryLock()) {
        if (held == null) {
          throw new IllegalStateException(
              "a Kafka broker is running on " + path + ": stop that conclave dev first");
        }
      } catch (OverlappingFileLockException e) {
        throw new IllegalStateException("this process runs a Kafka broker on " + path, e);
      }
    }
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static int port(Properties p, String key, Path file) {
    String value = p.getProperty(key);
    if (value == null) {
      throw new IllegalStateException(
          file + " has no " + key + " port; delete it or start with --fresh");
    }
    return Integer.parseInt(value.trim());
  }
}
