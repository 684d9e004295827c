package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentProvider;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.worker.remote.RemoteAgent;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentsTest {
  private static final Agent<?> ANALYST = new OfflineAgent("analysis");

  @TempDir Path jar;

  /** Supplies {@link #ANALYST} for the type "analysis" and nothing else. */
  public static final class AnalysisOnly implements AgentProvider {
    @Override
    public Optional<Agent<?>> agent(String agentType) {
      return agentType.equals("analysis") ? Optional.of(ANALYST) : Optional.empty();
    }
  }

  @Test
  void aProviderRegisteredOnTheClassPathSuppliesItsTypes() throws IOException {
    // given
    Path file = jar.resolve("META-INF/services/" + AgentProvider.class.getName());
    Files.createDirectories(file.getParent());
    Files.writeString(file, AnalysisOnly.class.getName() + "\n");
    try (var loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      // when
      List<Agent<?>> agents = Agents.fromClassPath(loader).forTypes(List.of("analysis"));

      // then
      assertThat(agents).containsExactly(ANALYST);
    }
  }

  @Test
  void theWorkerJarRegistersNoProviderOfItsOwn() throws IOException {
    // the offline agents are a fallback only when asked for: never a provider found on the class
    // path
    assertThat(
            Collections.list(
                getClass()
                    .getClassLoader()
                    .getResources("META-INF/services/" + AgentProvider.class.getName())))
        .isEmpty();
  }

  @Test
  void typesNoProviderSuppliesAreRefusedTogetherAndTheMessageSaysWhatToDo() {
    Agents agents = new Agents(List.of(new AnalysisOnly()));

    assertThatThrownBy(() -> agents.forTypes(List.of("research", "analysis", "write")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "no agent provider on the class path supplies the agent types research, write: put"
                + " the jar of their AgentProvider on the class path (CONCLAVE_CLASSPATH), map them"
                + " to remote agents' URLs with conclave.worker.remote-agents"
                + " (CONCLAVE_WORKER_REMOTE_AGENTS), or set conclave.worker.offline-agents=true (CONCLAVE_WORKER_OFFLINE_AGENTS=true) to"
                + " run the offline demo agents for them");
  }

  @Test
  void theOfflineAgentsServeOnlyTheTypesNoProviderSupplies() {
    List<Agent<?>> agents =
        new Agents(List.of(new AnalysisOnly()))
            .withOfflineAgents()
            .forTypes(List.of("research", "analysis"));

    assertThat(agents.get(0)).isInstanceOf(OfflineAgent.class).isNotSameAs(ANALYST);
    assertThat(agents.get(0).type()).isEqualTo("research");
    assertThat(agents.get(1)).isSameAs(ANALYST);
  }

  @Test
  void askingForTheOfflineAgentsTwiceAddsThemOnce() {
    Agents once = new Agents(List.of(new AnalysisOnly())).withOfflineAgents();

    assertThat(once.withOfflineAgents()).isSameAs(once);
  }

  @Test
  void aTypeMappedToARemoteAgentIsSuppliedAheadOfTheOthers() {
    var env =
        new EnvironmentLookup(
            Map.of(
                "CONCLAVE_WORKER_REMOTE_AGENTS",
                "research=http://127.0.0.1:8601/step",
                "CONCLAVE_WORKER_OFFLINE_AGENTS",
                "true"),
            Map.of());

    try (Agents agents = Agents.fromEnvironment(env)) {
      List<Agent<?>> supplied = agents.forTypes(List.of("research", "write"));

      assertThat(supplied.get(0)).isInstanceOf(RemoteAgent.class);
      assertThat(((RemoteAgent) supplied.get(0)).url()).hasToString("http://127.0.0.1:8601/step");
      assertThat(supplied.get(1)).isInstanceOf(OfflineAgent.class);
    }
    try (Agents agents =
        Agents.fromEnvironment(
            new EnvironmentLookup(
                Map.of("CONCLAVE_WORKER_REMOTE_AGENTS", "research=http://127.0.0.1:8601/step"),
                Map.of()))) {
      assertThatThrownBy(() -> agents.forTypes(List.of("research", "write")))
          .hasMessageContaining("supplies the agent type write:")
          .hasMessageContaining("conclave.worker.remote-agents");
    }
  }

  @Test
  void theOfflineAgentsRunOnlyWhenTheSettingTurnsThemOn() {
    var on = new EnvironmentLookup(Map.of("CONCLAVE_WORKER_OFFLINE_AGENTS", "true"), Map.of());
    var off = new EnvironmentLookup(Map.of(), Map.of());

    assertThat(Agents.fromEnvironment(on).forTypes(List.of("research")))
        .singleElement()
        .isInstanceOf(OfflineAgent.class);
    assertThatThrownBy(() -> Agents.fromEnvironment(off).forTypes(List.of("research")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("supplies the agent type research: put the jar");
    assertThatThrownBy(() -> Agents.fromEnvironment(off).forType("research"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "no agent provider on the class path supplies the agent type research: put the jar")
        .hasMessageContaining("conclave.worker.offline-agents=true");
  }

  @Test
  void aProviderRegisteredUnderTheFormerNameStopsTheWorkerInsteadOfGoingMissing()
      throws IOException {
    Path file = jar.resolve(Agents.FORMER_REGISTRATION);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "com.example.MyAgents\n");
    try (var loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> Agents.fromClassPath(loader))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("rename it to META-INF/services/io.conclave.agent.AgentProvider");
    }
  }
}
