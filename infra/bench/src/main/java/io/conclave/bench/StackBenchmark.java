package io.conclave.bench;

import io.conclave.launcher.cli.Progress;
import io.conclave.testkit.ConclaveStack;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * A benchmark that runs against an embedded broker and registry: one of its own, started and
 * stopped by each run, or one that {@code bench all --quick} shares between its scenarios to save
 * their start-up.
 */
abstract class StackBenchmark implements Benchmark {
  /** What the last run measured, added as it goes. */
  protected final List<BenchFigure> figures = new ArrayList<>();

  private ConclaveStack shared;

  @Mixin private Progress.Quiet quiet = new Progress.Quiet();
  private Progress progress;
  private boolean partOfAll;

  @Override
  public final List<BenchFigure> figures() {
    return figures;
  }

  /**
   * Runs against {@code stack}, which it then leaves running, instead of starting a stack of its
   * own.
   */
  final void share(ConclaveStack stack) {
    this.shared = stack;
  }

  /** Tells how far it is to {@code to} (a scenario of {@code bench all}) instead of on its own. */
  final void report(Progress to) {
    this.progress = to;
    this.partOfAll = true;
  }

  /**
   * Whether it runs as a scenario of {@code bench all}, which keeps the results, rather than on its
   * own.
   */
  final boolean partOfAll() {
    return partOfAll;
  }

  /**
   * Where this run tells how far it is: {@code bench all}'s, else standard error ({@code --quiet}:
   * nowhere).
   */
  final synchronized Progress progress() {
    if (progress == null) {
      progress = quiet.progress("bench " + getClass().getAnnotation(Command.class).name());
    }
    return progress;
  }

  /** {@code repetition 3 of 5}. */
  static String nth(String what, int n, int of) {
    return what + " " + n + " of " + of;
  }

  /** The broker and registry of {@code bench all --quick}, if this run shares them. */
  final Optional<ConclaveStack> sharedStack() {
    return Optional.ofNullable(shared);
  }

  /** The stack to run against; closing it stops it only if this run started it. */
  final ConclaveStack openStack() throws IOException {
    return shared != null
        ? shared.shared()
        : ConclaveStack.start(Files.createTempDirectory("conclave-bench"));
  }
}
