package io.conclave.launcher.harness;

import io.conclave.agent.Agent;
import io.conclave.coordinator.Coordinator;
import io.conclave.coordinator.OfflinePlanner;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.worker.AgentWorker;
import io.conclave.worker.OfflineAgent;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Coordinator, workers and projections of one Conclave installation, all in this JVM, against a
 * real stack.
 */
public final class InProcessConclave implements AutoCloseable {
  private final List<AutoCloseable> parts = new ArrayList<>();
  private final EmbeddedServer projections;

  public InProcessConclave(ConclaveSettings settings, int workers) throws Exception {
    parts.add(new Coordinator(settings, new OfflinePlanner(), Clock.systemUTC()).start());
    for (int i = 0; i < workers; i++) {
      List<Agent<?>> agents =
          settings.agentTypes().stream().<Agent<?>>map(OfflineAgent::new).toList();
      parts.add(new AgentWorker(settings, agents, Clock.systemUTC()).start());
    }
    projections = startProjections(settings);
    parts.add(projections);
  }

  public static EmbeddedServer startProjections(ConclaveSettings settings) throws Exception {
    return startProjections(settings, Map.of());
  }

  /** Projections of {@code settings}, with {@code overrides} on top of the tests' configuration. */
  public static EmbeddedServer startProjections(
      ConclaveSettings settings, Map<String, Object> overrides) throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", -1);
    props.put("conclave.kafka.bootstrap-servers", settings.bootstrapServers());
    props.put("conclave.registry.url", settings.registry().url());
    props.put("conclave.topic-prefix", settings.topics().prefix());
    props.put("conclave.agent-types", String.join(",", settings.agentTypes()));
    props.put("conclave.state-dir", Files.createTempDirectory("conclave-streams").toString());
    // the Kafka security as a child would get it, the password included (this is the same process:
    // no command line)
    for (String arg : settings.kafkaSecurity().asSystemProperties()) {
      String kv = arg.substring("-D".length());
      props.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    var security = settings.kafkaSecurity();
    if (security.password() != null) {
      props.put("conclave.kafka.sasl.password", security.password());
    }
    if (security.truststore() != null && security.truststore().password() != null) {
      props.put("conclave.kafka.ssl.truststore.password", security.truststore().password());
    }
    if (security.keystore() != null && security.keystore().password() != null) {
      props.put("conclave.kafka.ssl.keystore.password", security.keystore().password());
    }
    props.put("conclave.security.tokens", Http.TOKENS);
    props.putAll(overrides);
    return ApplicationContext.run(EmbeddedServer.class, props);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + projections.getPort();
  }

  @Override
  public void close() throws Exception {
    for (int i = parts.size() - 1; i >= 0; i--) {
      parts.get(i).close();
    }
  }
}
