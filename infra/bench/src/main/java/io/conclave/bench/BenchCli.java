package io.conclave.bench;

import io.conclave.launcher.ConclaveCli;

/**
 * {@code conclave} with its benchmarks: what {@code bin/conclave bench ...} runs, with this
 * module's class path. The launcher's command line, whose {@code bench} is {@link BenchCommand};
 * every other command is the launcher's own.
 */
public final class BenchCli {
  private BenchCli() {}

  public static void main(String[] args) {
    System.exit(ConclaveCli.commandLine(new BenchCommand()).execute(args));
  }
}
