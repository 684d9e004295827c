package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.models.OfflineModel;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.AgentLogs;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.resilience.CallPolicy;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.worker.remote.RemoteAgent;
import io.conclave.worker.remote.RemoteAgents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * While a remote agent type's breaker is open, the worker holds the type's commands, as it does for
 * an open model breaker; compensations go on.
 */
class RemoteAgentHeldTest {
  @Test
  void theCommandsOfARemoteTypeWaitWhileItsBreakerIsOpen() {
    ConclaveSettings settings = ConclaveSettings.from(Map.of(), Map.of());
    ConclaveSerdes serdes = new ConclaveSerdes(settings.registry());
    try (RemoteAgents remote =
            new RemoteAgents(
                Map.of("research", URI.create("http://127.0.0.1:9/step")),
                CallPolicy.DEFAULTS,
                RemoteAgents.EndpointAddress.LOOPBACK,
                Clock.systemUTC());
        AgentLogs logs = new AgentLogs(settings, serdes)) {
      RemoteAgent agent = (RemoteAgent) remote.agent("research").orElseThrow();
      String commands = settings.topics().commands("research");
      var handler =
          new WorkerHandler<>(
              agent,
              new ConclaveRecords(settings, serdes),
              logs,
              OfflineModel.instant(),
              Clock.systemUTC(),
              KnowledgeAccess.ownOnly(Clock.systemUTC()),
              0,
              commands,
              Duration.ofSeconds(30),
              new SimpleMeterRegistry());

      assertThat(handler.held()).isEmpty();
      agent.pipeline().breaker().open();
      assertThat(handler.held()).isEqualTo(Set.of(commands));
      agent.pipeline().breaker().close();
      assertThat(handler.held()).isEmpty();
    }
  }
}
