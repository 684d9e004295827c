package io.conclave.worker;

import io.conclave.core.StepCommand;
import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.DecisionSequences;
import io.conclave.kafka.ServiceRunner;
import io.conclave.kafka.TransactionalPartitionLoop;
import io.conclave.resilience.CallPolicies;
import io.conclave.schemas.ConclaveSerdes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A worker process: for each agent it hosts, a member of that agent type's consumer group on
 * {@code conclave.commands.<type>}. Start more processes to share the partitions of busy types.
 */
public final class AgentWorker implements AutoCloseable {
  private final List<TransactionalPartitionLoop<StepCommand>> loops = new ArrayList<>();
  private final DecisionSequences sequences;

  public AgentWorker(ConclaveSettings settings, List<Agent> agents, Clock clock) {
    ConclaveSerdes serdes = new ConclaveSerdes(settings.registry());
    ConclaveRecords records = new ConclaveRecords(settings, serdes);
    this.sequences = new DecisionSequences(settings, serdes);
    for (Agent agent : agents) {
      var handler = new WorkerHandler(agent, CallPolicies.standard(Duration.ofSeconds(60), 2), records, sequences,
          clock);
      var options = new TransactionalPartitionLoop.Options("worker-" + agent.type(), settings.bootstrapServers(),
          settings.topics().commands(agent.type()), groupId(settings, agent.type()),
          settings.topics().prefix() + "-worker-" + agent.type(), settings.topics().deadLetters(),
          settings.groups().consumerConfig());
      loops.add(new TransactionalPartitionLoop<>(options, serdes.stepCommand().deserializer(),
          serdes.deadLetter().serializer(), handler, clock));
    }
  }

  /** The consumer group of an agent type: its members share the type's command partitions. */
  public static String groupId(ConclaveSettings settings, String agentType) {
    return settings.topics().prefix() + "-worker-" + agentType;
  }

  public AgentWorker start() {
    loops.forEach(TransactionalPartitionLoop::start);
    return this;
  }

  /** Completes exceptionally as soon as one agent type's loop broke down. */
  public CompletableFuture<Object> failed() {
    return CompletableFuture.anyOf(loops.stream().map(TransactionalPartitionLoop::done)
        .toArray(CompletableFuture[]::new));
  }

  @Override
  public void close() {
    loops.forEach(TransactionalPartitionLoop::close);
    sequences.close();
  }

  /**
   * Runs the offline agents of the types in {@code -Dconclave.worker.agent-types} (or {@code CONCLAVE_WORKER_AGENT_TYPES},
   * or the first argument; default: every configured type).
   */
  public static void main(String[] args) {
    ConclaveSettings settings = ConclaveSettings.fromEnvironment();
    String types = System.getProperty("conclave.worker.agent-types",
        System.getenv().getOrDefault("CONCLAVE_WORKER_AGENT_TYPES", args.length > 0 ? args[0] : ""));
    List<String> hosted = types.isBlank() ? settings.agentTypes()
        : Arrays.stream(types.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    List<Agent> agents = hosted.stream().<Agent>map(OfflineAgent::new).toList();
    AgentWorker worker = new AgentWorker(settings, agents, Clock.systemUTC()).start();
    ServiceRunner.runUntilStopped("worker " + hosted, worker, worker.failed());
  }
}
