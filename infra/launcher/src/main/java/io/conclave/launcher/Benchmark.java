package io.conclave.launcher;

import java.util.List;
import java.util.concurrent.Callable;

/** A benchmark of {@code conclave bench}: a command that measures, and the figures of its last run. */
interface Benchmark extends Callable<Integer> {
  /** What the last run measured; empty before it ran. */
  List<BenchFigure> figures();
}
