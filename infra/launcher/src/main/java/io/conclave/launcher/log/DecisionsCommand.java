package io.conclave.launcher.log;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.launcher.cli.Progress;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code conclave decisions tail|erase}: the decision log, as JSON lines (or one document), and its
 * erasure.
 */
@Command(
    name = "decisions",
    description = "Read the agents' decision log.",
    mixinStandardHelpOptions = true,
    subcommands = {DecisionsCommand.Tail.class, DecisionsCommand.Erase.class})
public final class DecisionsCommand {
  @Command(
      name = "tail",
      mixinStandardHelpOptions = true,
      description =
          "Print recorded decisions (all agents, or one) from the beginning; --follow waits for more.")
  static final class Tail implements Callable<Integer> {
    @Option(
        names = "--agent",
        description = "only this agent's decisions (e.g. research-0, planner-1)")
    String agent;

    @Option(
        names = {"-f", "--follow"},
        description = "keep printing new decisions (Ctrl-C stops)")
    boolean follow;

    @Option(
        names = "--json",
        description = "print one JSON document, as replay --json does (not with --follow)")
    boolean json;

    @Mixin Progress.Quiet quiet;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      ReplayCommand.refuseJsonFollow(spec, json, follow);
      ConclaveSettings settings = Endpoints.resolve();
      String topic = settings.topics().decisions();
      var keys = new ConclaveSerdes(settings.registry()).decisionKey().deserializer();
      // an agent's decisions all live in the partition of its id
      Integer partition = agent == null ? null : Partitioning.of(agent, settings.partitions());
      String wanted = agent;
      return ReplayCommand.read(
          settings,
          topic,
          partition,
          0,
          null,
          null,
          follow,
          r -> {
            if (wanted == null) {
              return true;
            }
            try {
              DecisionKey key = keys.deserialize(topic, r.key());
              return key.agentId().equals(wanted);
            } catch (RuntimeException e) {
              return false;
            }
          },
          json,
          quiet.progress("decisions"));
    }
  }

  @Command(
      name = "erase",
      mixinStandardHelpOptions = true,
      description =
          "Erase one agent's decisions: a tombstone for each of its keys (see docs/operations.md, Erasure).")
  static final class Erase implements Callable<Integer> {
    @Option(names = "--agent", required = true, description = "the agent to erase, e.g. research-0")
    String agent;

    @Option(names = "--json", description = "print {agentId, erased} as one line of JSON")
    boolean json;

    /** What {@code --json} prints: how many decision keys of the agent were tombstoned. */
    record Erased(String agentId, int erased) {}

    @Override
    public Integer call() throws Exception {
      int erased = DecisionErasure.erase(Endpoints.resolve(), agent);
      System.out.println(
          json
              ? CliJson.line(new Erased(agent, erased))
              : "erased " + erased + " decisions of " + agent);
      return 0;
    }
  }
}
