package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    Path log = dir.resolve("worker.log");
    Process worker =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "-Dconclave.kafka.bootstrap-servers=127.0.0.1:1",
                    "-Dconclave.worker.agent-types=research,write",
                    AgentWorker.class.getName()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean exited = worker.waitFor(60, TimeUnit.SECONDS);
    worker.destroyForcibly();
    String output = Files.readString(log);

    // then
    assertThat(exited).as("the worker exited: " + output).isTrue();
    assertThat(worker.exitValue()).as(output).isEqualTo(2);
    assertThat(output)
        .contains(
            "worker not started: no agent provider on the class path supplies the agent types"
                + " research, write: put the jar of their AgentProvider on the class path")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
