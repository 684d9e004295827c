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
 * erasure (a preview unless {@code --execute}).
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
      description = {
        "Erase one agent's decisions: a tombstone for each of its keys (see docs/operations.md, Erasure).",
        "Without --execute, only counts what it would erase: nothing changes."
      })
  static final class Erase implements Callable<Integer> {
    @Option(names = "--agent", required = true, description = "the agent to erase, e.g. research-0")
    String agent;

    @Option(
        names = "--execute",
        description = "write the tombstones (without it: a preview, nothing changes)")
    boolean execute;

    @Option(
        names = "--json",
        description = "print {agentId, decisions, erased, executed} as one line of JSON")
    boolean json;

    /**
     * What {@code --json} prints: how many live decision keys the agent had, how many were
     * tombstoned (0 in a preview), and whether the erasure was carried out.
     */
    record Erased(String agentId, int decisions, int erased, boolean executed) {}

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      Erased done =
          execute
              ? erased(agent, DecisionErasure.erase(settings, agent))
              : new Erased(agent, DecisionErasure.count(settings, agent), 0, false);
      System.out.println(json ? CliJson.line(done) : text(done));
      return 0;
    }

    static Erased erased(String agentId, int keys) {
      return new Erased(agentId, keys, keys, true);
    }

    /** The answer in words: what was erased, or what a preview would erase. */
    static String text(Erased e) {
      return e.executed()
          ? "erased " + e.erased() + " decisions of " + e.agentId()
          : "preview: would erase "
              + e.decisions()
              + " decisions of "
              + e.agentId()
              + " and its snapshot; nothing changed: run again with --execute to erase";
    }
  }
}
