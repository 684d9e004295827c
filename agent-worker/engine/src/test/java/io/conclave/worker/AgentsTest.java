package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentsTest {
  @TempDir Path jar;

  @Test
  void providersOnTheClassPathSupplyAgents() {
    Agents agents = Agents.fromClassPath(getClass().getClassLoader());

    assertThat(agents.forType("researcher")).isNotNull();
  }

  @Test
  void aProviderRegisteredUnderTheFormerNameStopsTheWorkerInsteadOfFallingBackToOfflineAgents()
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
