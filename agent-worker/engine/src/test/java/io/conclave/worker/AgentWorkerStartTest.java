package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.testkit.MainInChildJvm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process whose agent types no provider supplies refuses to start, naming them, before it
 * reaches for Kafka (so no broker is needed here): its class path holds no agent jar and the
 * offline agents are not asked for.
 */
class AgentWorkerStartTest {
  @Test
  void aWorkerWhoseAgentTypesHaveNoProviderExitsNamingThem(@TempDir Path dir) throws Exception {
    // when
    MainInChildJvm.Run worker =
        MainInChildJvm.run(
            AgentWorker.class,
            List.of(
                "-Dconclave.kafka.bootstrap-servers=127.0.0.1:1",
                "-Dconclave.worker.agent-types=research,write"),
            dir.resolve("worker.log"));

    // then
    assertThat(worker.exited()).as("the worker exited: " + worker.output()).isTrue();
    assertThat(worker.exitCode()).as(worker.output()).isEqualTo(2);
    assertThat(worker.output())
        .contains(
            "worker not started: no agent provider on the class path supplies the agent types"
                + " research, write: put the jar of their AgentProvider on the class path")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
