package io.conclave.launcher.harness;

import io.conclave.launcher.docs.SourceTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the remote agents of {@code examples/} ({@code agent-node}, {@code agent-python}) run as
 * the process an operator starts, on a free loopback port: what the tests of the remote-agent
 * protocol talk to. Its output is copied to ours, each line prefixed with its name.
 */
public final class ExampleAgent implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");

  /** The examples, and how each is started. */
  public enum Language {
    NODE("examples/agent-node", List.of("node", "agent.js")),
    PYTHON("examples/agent-python", List.of("python3", "agent.py"));

    private final String directory;
    private final List<String> command;

    Language(String directory, List<String> command) {
      this.directory = directory;
      this.command = command;
    }
  }

  private final String name;
  private final Process process;
  private final int port;
  private final List<String> output;

  private ExampleAgent(String name, Process process, int port, List<String> output) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /**
   * Starts an example with {@code environment} added to ours (its {@code FAULT}, {@code SLOW_MS},
   * {@code EFFECTS_FILE}), and waits until it listens.
   *
   * @throws IllegalStateException if the example cannot run here (Node's packages not installed,
   *     say), with what to do about it
   */
  public static ExampleAgent start(Language language, Map<String, String> environment) {
    return start(language.name().toLowerCase() + "-agent", language, environment);
  }

  /** As {@link #start(Language, Map)}, its output lines prefixed with {@code name}. */
  public static ExampleAgent start(
      String name, Language language, Map<String, String> environment) {
    Path directory = SourceTree.root().resolve(language.directory);
    if (language == Language.NODE && !Files.isDirectory(directory.resolve("node_modules"))) {
      throw new IllegalStateException(
          directory.resolve("node_modules")
              + " is missing: run `npm ci --prefix examples/agent-node` first (.ci/run does)");
    }
    ProcessBuilder builder =
        new ProcessBuilder(language.command)
            .directory(directory.toFile())
            .redirectErrorStream(true);
    builder.environment().putAll(environment);
    builder.environment().put("PORT", "0");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not start " + language.command.get(0) + " (is it installed?): " + e.getMessage(),
          e);
    }
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread pump = new Thread(() -> copy(name, process, listening, output), name + "-output");
    pump.setDaemon(true);
    pump.start();
    try {
      return new ExampleAgent(name, process, listening.get(30, TimeUnit.SECONDS), output);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not start listening: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The URL the worker posts the agent's requests to. */
  public String url() {
    return "http://127.0.0.1:" + port + "/";
  }

  public String name() {
    return name;
  }

  /**
   * The lines it printed so far (one per request it answered, and {@code <kind> <key>: started}).
   */
  public List<String> output() {
    return List.copyOf(output);
  }

  /** Stops the process (SIGTERM, then SIGKILL if it lingers) and waits until it is gone. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void copy(
      String name, Process process, CompletableFuture<Integer> listening, List<String> output) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        System.out.println("[" + name + "] " + line);
        output.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          listening.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    listening.completeExceptionally(
        new IllegalStateException("it exited first, saying: " + String.join("\n", output)));
  }
}
