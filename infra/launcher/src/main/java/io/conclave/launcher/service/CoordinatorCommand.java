package io.conclave.launcher.service;

import io.conclave.coordinator.Coordinator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave coordinator}: one coordinator against any cluster, in the foreground; with others
 * it shares the shards of the tasks topic, each leading the shards it owns.
 */
@Command(
    name = "coordinator",
    mixinStandardHelpOptions = true,
    description = {
      "Run a coordinator against the cluster until Ctrl-C: it joins the coordinator group and leads "
          + "the task shards it is given (planning, saga starts, deadlines).",
      "Its other settings are read as the coordinator's own (docs/configuration.md)."
    })
public final class CoordinatorCommand implements Callable<Integer> {
  @Option(names = "--health-port", paramLabel = "PORT", description = "serve /health on this port")
  Integer healthPort;

  /** The coordinator's settings these options give. */
  Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    ServiceRun.putIfGiven(s, "conclave.coordinator.health-port", healthPort);
    return s;
  }

  @Override
  public Integer call() throws InterruptedException {
    return ServiceRun.untilStopped(settings(), Coordinator::main);
  }
}
