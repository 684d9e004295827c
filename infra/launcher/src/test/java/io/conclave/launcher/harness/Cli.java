package io.conclave.launcher.harness;

import io.conclave.launcher.ConclaveCli;
import io.conclave.runtime.config.ConclaveSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    List<String> options = new ArrayList<>(settings.asSystemProperties());
    options.addAll(properties);
    // an empty working directory: no endpoints file of a running `conclave dev` is picked up
    ProcessBuilder builder = command(options, Files.createTempDirectory("conclave-cli"), args);
    // the settings' secrets (a SASL password) go by the environment, as a user gives them, never
    // the command line
    settings.kafkaSecurity().applySecretsTo(builder.environment());
    return finish(builder, args);
  }

  /**
   * Runs a command in {@code workDir} with no settings of its own: it finds those of the {@code
   * conclave dev} running there, as a user's command in a second terminal does.
   */
  public static Result runIn(Path workDir, String... args)
      throws IOException, InterruptedException {
    return finish(command(List.of(), workDir, args), args);
  }

  private static ProcessBuilder command(List<String> options, Path workDir, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path")));
    cmd.addAll(options);
    cmd.add(ConclaveCli.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(workDir.toFile());
  }

  private static Result finish(ProcessBuilder builder, String... args)
      throws IOException, InterruptedException {
    Process p = builder.start();
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
