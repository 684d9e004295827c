package io.conclave.launcher;

import io.conclave.launcher.admin.DeadLettersCommand;
import io.conclave.launcher.admin.GroupsCommand;
import io.conclave.launcher.admin.ProjectionsCommand;
import io.conclave.launcher.admin.TopicsCommand;
import io.conclave.launcher.cli.ClusterOptions;
import io.conclave.launcher.cli.CompletionCommand;
import io.conclave.launcher.dev.DevCommand;
import io.conclave.launcher.log.DecisionsCommand;
import io.conclave.launcher.log.ReplayCommand;
import io.conclave.launcher.saga.RedriveCommand;
import io.conclave.launcher.saga.SagaCommand;
import io.conclave.launcher.saga.TaskCommand;
import io.conclave.launcher.security.AclsCommand;
import io.conclave.launcher.security.TokenCommand;
import io.conclave.launcher.service.CoordinatorCommand;
import io.conclave.launcher.service.WorkerCommand;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code conclave}: the all-in-one dev launcher, the services one by one and the command-line
 * tools. Every command finds Kafka and the registry through its {@link ClusterOptions} ({@code
 * --bootstrap-server}, {@code --registry-url}, {@code --command-config}), else {@code
 * KAFKA_BOOTSTRAP_SERVERS} / {@code CONCLAVE_REGISTRY_URL}, a running {@code conclave dev} in the
 * current directory, or the defaults.
 */
@Command(
    name = "conclave",
    mixinStandardHelpOptions = true,
    version = "conclave 0.1.0",
    description = "Coordination backbone for multi-agent AI systems on Apache Kafka.",
    exitCodeListHeading = "%nExit codes (every command):%n",
    exitCodeList = {
      "0:done",
      "1:failed; the reason is on standard error",
      "2:refused, nothing changed: bad usage (an unknown command or option, a missing or malformed argument) or "
          + "a request that cannot be carried out as it stands"
    },
    subcommands = {
      DevCommand.class,
      CoordinatorCommand.class,
      WorkerCommand.class,
      TaskCommand.class,
      SagaCommand.class,
      DecisionsCommand.class,
      ReplayCommand.class,
      TopicsCommand.class,
      GroupsCommand.class,
      ProjectionsCommand.class,
      RedriveCommand.class,
      DeadLettersCommand.class,
      TokenCommand.class,
      AclsCommand.class,
      CompletionCommand.class
    })
public final class ConclaveCli implements Runnable {
  /** What {@code conclave --help} says of {@code bench}, and {@code conclave bench --help} too. */
  public static final String BENCH_DESCRIPTION = "Benchmarks (real broker and registry, embedded).";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Given on any command: picocli sets them here whichever command they follow. */
  @Mixin ClusterOptions cluster;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * What went wrong, in one line: the message, and the causes' messages where they add to it (a
   * Kafka client that cannot be created says only that, its cause says why, e.g. a missing trust
   * store).
   */
  static String failure(Throwable e) {
    StringBuilder out = new StringBuilder(message(e));
    for (Throwable cause = e.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
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

  /**
   * The command line of {@code conclave}, its {@code bench} command being {@code bench}: the
   * benchmarks are a module of their own (infra/bench, which depends on this one), whose main gives
   * its command here.
   */
  public static CommandLine commandLine(Object bench) {
    ConclaveCli cli = new ConclaveCli();
    CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
    return new CommandLine(cli)
        .addSubcommand("bench", bench)
        .addSubcommand(new CommandLine.HelpCommand())
        .setExecutionStrategy(
            parsed -> {
              Map<String, String> cluster;
              try {
                cluster = cli.cluster.systemProperties();
              } catch (IllegalArgumentException e) {
                List<CommandLine> given = parsed.asCommandLineList();
                throw new CommandLine.ParameterException(
                    given.get(given.size() - 1), e.getMessage());
              }
              return ClusterOptions.withSystemProperties(cluster, () -> run.execute(parsed));
            })
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              cmd.getErr().println("conclave: " + failure(e));
              return 1;
            });
  }

  /**
   * {@code bench} where the benchmarks are not on the class path: listed as usual, it says where
   * they run from ({@code bin/conclave bench} runs them with infra/bench's class path).
   */
  static CommandSpec benchElsewhere() {
    CommandSpec bench =
        CommandSpec.wrapWithoutInspection(
            (Runnable)
                () -> {
                  throw new IllegalStateException(
                      "the benchmarks are not on this class path: run them with bin/conclave bench");
                });
    bench.mixinStandardHelpOptions(true);
    bench.usageMessage().description(BENCH_DESCRIPTION);
    return bench;
  }

  public static void main(String[] args) {
    System.exit(commandLine(benchElsewhere()).execute(args));
  }
}
