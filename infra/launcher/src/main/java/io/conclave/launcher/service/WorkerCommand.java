package io.conclave.launcher.service;

import io.conclave.worker.AgentWorker;
import io.conclave.worker.Agents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave worker}: one agent worker against any cluster, in the foreground; more of them
 * (here or on other machines) share the work of their agent types' command topics.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Run an agent worker against the cluster until Ctrl-C: it joins the consumer group of each agent "
          + "type it hosts and runs their steps. Agents come from the class path (CONCLAVE_CLASSPATH).",
      "Its other settings are read as the worker's own (docs/configuration.md)."
    })
public final class WorkerCommand implements Callable<Integer> {
  @Option(
      names = "--agent-types",
      split = ",",
      paramLabel = "TYPE",
      description =
          "the agent types this worker hosts (default: every type of conclave.agent-types)")
  List<String> agentTypes;

  @Option(
      names = "--offline-agents",
      description =
          "the offline demo agents serve the hosted types no agent on the class path supplies, as "
              + "conclave dev runs them")
  boolean offlineAgents;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "serve Prometheus metrics and /health on this port")
  Integer metricsPort;

  /** The worker's settings these options give (the worker reads them as system properties). */
  Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    if (agentTypes != null) {
      s.put("conclave.worker.agent-types", String.join(",", agentTypes));
    }
    if (offlineAgents) {
      s.put(Agents.OFFLINE_AGENTS.property(), "true");
    }
    ServiceRun.putIfGiven(s, "conclave.worker.metrics-port", metricsPort);
    return s;
  }

  @Override
  public Integer call() throws InterruptedException {
    return ServiceRun.untilStopped(settings(), AgentWorker::main);
  }
}
