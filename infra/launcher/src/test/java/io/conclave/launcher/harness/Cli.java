package io.conclave.launcher.harness;

import io.conclave.launcher.ConclaveCli;
import io.conclave.runtime.config.ConclaveSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code conclave ...} as a user does, in a JVM of its own pointed at the given settings. */
public final class Cli {
  private Cli() {}

  /** What a command printed and returned. */
  public record Result(int exitCode, List<String> out, String err) {}

  public static Result run(ConclaveSettings settings, String... args)
      throws IOException, InterruptedException {
    return run(settings, List.of(), args);
  }

  /**
   * Runs a command with {@code properties} ({@code -Dname=value}) besides the settings', as a user
   * sets the environment of one command (the remote agents a re-drive runs, say).
   */
  public static Result run(ConclaveSettings settings, List<String> properties, String... args)
      throws IOException, InterruptedException {
    return run(System.getProperty("java.class.path"), settings, properties, args);
  }

  /**
   * Runs a command on {@code classPath}: the launcher's packaged one ({@link PackagedClassPath}) to
   * see what a user sees, the tests' one otherwise.
   */
  public static Result run(
      String classPath, ConclaveSettings settings, List<String> properties, String... args)
      throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(settings.asSystemProperties());
    all.addAll(properties);
    // the settings' secrets (a SASL password) go by the environment, as a user gives them, never
    // the command line
    Map<String, String> env = new HashMap<>();
    settings.kafkaSecurity().applySecretsTo(env);
    // an empty working directory: no endpoints file of a running `conclave dev` is picked up
    return finish(
        start(
            classPath,
            Files.createTempDirectory("conclave-cli"),
            all,
            env,
            ProcessBuilder.Redirect.PIPE,
            args),
        args);
  }

  /**
   * Starts {@code conclave args} with exactly {@code properties} ({@code -Dname=value}) and {@code
   * env} added to this process's environment, its output going to {@code output}; the caller stops
   * it.
   */
  public static Process start(
      List<String> properties,
      Map<String, String> env,
      ProcessBuilder.Redirect output,
      String... args)
      throws IOException {
    return start(
        System.getProperty("java.class.path"),
        Files.createTempDirectory("conclave-cli"),
        properties,
        env,
        output,
        args);
  }

  /**
   * Runs a command in {@code workDir} with no settings of its own: it finds those of the {@code
   * conclave dev} running there, as a user's command in a second terminal does.
   */
  public static Result runIn(Path workDir, String... args)
      throws IOException, InterruptedException {
    return finish(
        start(
            System.getProperty("java.class.path"),
            workDir,
            List.of(),
            Map.of(),
            ProcessBuilder.Redirect.PIPE,
            args),
        args);
  }

  private static Process start(
      String classPath,
      Path workDir,
      List<String> properties,
      Map<String, String> env,
      ProcessBuilder.Redirect output,
      String... args)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classPath));
    cmd.addAll(properties);
    cmd.add(ConclaveCli.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile());
    builder.environment().putAll(env);
    if (output != ProcessBuilder.Redirect.PIPE) {
      builder.redirectErrorStream(true).redirectOutput(output);
    }
    return builder.start();
  }

  /** Waits for a command started with its output piped, and what it printed. */
  public static Result finish(Process p, String... args) throws InterruptedException {
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("conclave " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), out.join().lines().toList(), err.join());
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
