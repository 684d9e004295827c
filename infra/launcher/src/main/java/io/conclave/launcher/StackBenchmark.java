package io.conclave.launcher;

import io.conclave.testkit.ConclaveStack;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark that runs against an embedded broker and registry: one of its own, started and stopped by each run, or
 * one that {@code bench all --quick} shares between its scenarios to save their start-up.
 */
abstract class StackBenchmark implements Benchmark {
  /** What the last run measured, added as it goes. */
  protected final List<BenchFigure> figures = new ArrayList<>();
  private ConclaveStack shared;

  @Override
  public final List<BenchFigure> figures() {
    return figures;
  }

  /** Runs against {@code stack}, which it then leaves running, instead of starting a stack of its own. */
  final void share(ConclaveStack stack) {
    this.shared = stack;
  }

  /** The stack to run against; closing it stops it only if this run started it. */
  final ConclaveStack openStack() throws IOException {
    return shared != null ? shared.shared() : ConclaveStack.start(Files.createTempDirectory("conclave-bench"));
  }
}
