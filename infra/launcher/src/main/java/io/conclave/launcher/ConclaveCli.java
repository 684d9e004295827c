package io.conclave.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code conclave}: the all-in-one dev launcher and the command-line tools. Every command finds Kafka and the
 * registry through {@code KAFKA_BOOTSTRAP_SERVERS} / {@code CONCLAVE_REGISTRY_URL}, a running {@code conclave dev}
 * in the current directory, or the defaults.
 */
@Command(name = "conclave", mixinStandardHelpOptions = true, version = "conclave 0.1.0",
    description = "Coordination backbone for multi-agent AI systems on Apache Kafka.",
    exitCodeListHeading = "%nExit codes (every command):%n",
    exitCodeList = {"0:done", "1:failed; the reason is on standard error",
        "2:refused, nothing changed: bad usage (an unknown command or option, a missing or malformed argument) or "
            + "a request that cannot be carried out as it stands"},
    subcommands = {DevCommand.class, TaskCommand.class, SagaCommand.class, DecisionsCommand.class, ReplayCommand.class,
        TopicsCommand.class, GroupsCommand.class, ProjectionsCommand.class, RedriveCommand.class,
        DeadLettersCommand.class, TokenCommand.class, AclsCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class ConclaveCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * What went wrong, in one line: the message, and the causes' messages where they add to it (a Kafka client that
   * cannot be created says only that, its cause says why, e.g. a missing trust store).
   */
  static String failure(Throwable e) {
    StringBuilder out = new StringBuilder(message(e));
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      String more = message(cause);
      if (!out.toString().contains(more)) {
        out.append(": ").append(more);
      }
    }
    return out.toString();
  }

  private static String message(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  public static void main(String[] args) {
    int code = new CommandLine(new ConclaveCli())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("conclave: " + failure(e));
          return 1;
        })
        .execute(args);
    System.exit(code);
  }
}
