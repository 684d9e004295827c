package io.conclave.launcher;

import io.conclave.core.DecisionKey;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conclave decisions tail}: the decision log, as JSON lines. */
@Command(name = "decisions", description = "Read the agents' decision log.", mixinStandardHelpOptions = true,
    subcommands = {DecisionsCommand.Tail.class, DecisionsCommand.Erase.class})
final class DecisionsCommand {
  @Command(name = "tail", mixinStandardHelpOptions = true,
      description = "Print recorded decisions (all agents, or one) from the beginning; --follow waits for more.")
  static final class Tail implements Callable<Integer> {
    @Option(names = "--agent", description = "only this agent's decisions (e.g. research-0, planner-1)")
    String agent;

    @Option(names = {"-f", "--follow"}, description = "keep printing new decisions (Ctrl-C stops)")
    boolean follow;

    @Override
    public Integer call() {
      ConclaveSettings settings = Endpoints.resolve();
      String topic = settings.topics().decisions();
      var keys = new ConclaveSerdes(settings.registry()).decisionKey().deserializer();
      // an agent's decisions all live in the partition of its id
      Integer partition = agent == null ? null : Partitioning.of(agent, settings.partitions());
      String wanted = agent;
      return ReplayCommand.read(settings, topic, partition, 0, null, null, follow, r -> {
        if (wanted == null) {
          return true;
        }
        try {
          DecisionKey key = keys.deserialize(topic, r.key());
          return key.agentId().equals(wanted);
        } catch (RuntimeException e) {
          return false;
        }
      });
    }
  }

  @Command(name = "erase", mixinStandardHelpOptions = true,
      description = "Erase one agent's decisions: a tombstone for each of its keys (see README, Erasure).")
  static final class Erase implements Callable<Integer> {
    @Option(names = "--agent", required = true, description = "the agent to erase, e.g. research-0")
    String agent;

    @Override
    public Integer call() throws Exception {
      int erased = DecisionErasure.erase(Endpoints.resolve(), agent);
      System.out.println("erased " + erased + " decisions of " + agent);
      return 0;
    }
  }
}
