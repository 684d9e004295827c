package io.conclave.launcher.dev;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.KafkaClientSecurity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Conclave service run as a separate JVM with this JVM's class path. Its output is copied to
 * ours, each line prefixed with the service's name. The child exits by itself if this JVM dies
 * ({@code -Dconclave.parent-pid}).
 */
public final class ChildProcess {
  private final String name;
  private final Process process;

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  public static ChildProcess start(
      String name, String mainClass, List<String> systemProperties, PrintStream out) {
    return start(name, mainClass, systemProperties, List.of(), out);
  }

  public static ChildProcess start(
      String name,
      String mainClass,
      List<String> systemProperties,
      List<String> args,
      PrintStream out) {
    return start(
        name, mainClass, systemProperties, KafkaClientSecurity.plaintext(), args, Map.of(), out);
  }

  public static ChildProcess start(
      String name,
      String mainClass,
      List<String> systemProperties,
      KafkaClientSecurity kafkaSecurity,
      List<String> args,
      PrintStream out) {
    return start(name, mainClass, systemProperties, kafkaSecurity, args, Map.of(), out);
  }

  /**
   * Starts a service. {@code systemProperties} hold no secret ({@link
   * ConclaveSettings#asSystemProperties()}): the secrets of {@code kafkaSecurity}, and {@code
   * environment} (the way to hand a child any other secret), go into the child's environment, where
   * {@code ps} does not show them, replacing any this JVM's environment holds.
   */
  public static ChildProcess start(
      String name,
      String mainClass,
      List<String> systemProperties,
      KafkaClientSecurity kafkaSecurity,
      List<String> args,
      Map<String, String> environment,
      PrintStream out) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command(mainClass, systemProperties, args)).redirectErrorStream(true);
      kafkaSecurity.applySecretsTo(builder.environment());
      builder.environment().putAll(environment);
      Process p = builder.start();
      Thread pump = new Thread(() -> copy(name, p, out), name + "-output");
      pump.setDaemon(true);
      pump.start();
      return new ChildProcess(name, p);
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * The command line of a service: the JVM, its options, the system properties, the class path,
   * main and args.
   */
  public static List<String> command(
      String mainClass, List<String> systemProperties, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions(mainClass));
    cmd.add("-Dconclave.parent-pid=" + ProcessHandle.current().pid());
    // e.g. a flight recording of each child:
    // CONCLAVE_CHILD_JVM_OPTIONS="-XX:StartFlightRecording=settings=profile"
    String extra =
        System.getProperty(
                "conclave.child.jvm-options",
                System.getenv().getOrDefault("CONCLAVE_CHILD_JVM_OPTIONS", ""))
            .trim();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.addAll(systemProperties);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * The JVM a service runs in. Coordinators and workers keep little in memory (their state is in
   * Kafka) and wait on Kafka and models rather than on their own code: a small heap, one GC thread,
   * and the C1 compiler only, whose compilations cost a fraction of C2's CPU and code cache for
   * code that is not what they wait on. The projections hold Kafka Streams stores and an HTTP
   * server, and get more heap, as does a Kafka broker ({@code kafka.Kafka}).
   */
  public static List<String> jvmOptions(String mainClass) {
    boolean large =
        mainClass.endsWith(".ProjectionsApplication") || mainClass.equals("kafka.Kafka");
    return List.of(large ? "-Xmx256m" : "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  }

  private static void copy(String name, Process p, PrintStream out) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println("[" + name + "] " + line);
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Kills the process at once (SIGKILL, as kill -9): no shutdown hook, no orderly leave; waits
   * until it is gone.
   */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asks the process to stop (SIGTERM); does not wait. */
  public void requestStop() {
    process.destroy();
  }

  /** Waits for the process to end, killing it if it has not stopped in time. */
  public void awaitStop(long seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
