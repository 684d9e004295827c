package io.conclave.launcher.faults;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.launcher.harness.SagaChecks;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.eventlog.Decision;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three coordinator processes share the shards; the leader of shard 0 is killed (SIGKILL, as kill
 * -9) while tasks flow. Another process takes the shard over with a larger epoch and every task
 * completes exactly once.
 */
@ExtendWith(ConclaveStackExtension.class)
class CoordinatorKillIT {
  private static final int TASKS = 60;

  @Test
  void killingAShardLeaderLosesNoTaskAndStartsNoSagaTwice(ConclaveStack stack) throws Exception {
    // Given
    ConclaveSettings settings = stack.isolated("kill");
    List<ChildProcess> coordinators = new ArrayList<>();
    PrintStream out = System.out;
    // the coordinators are processes of the test's own, so that it can kill one; the builder
    // starts the worker
    try (InProcessConclave conclave =
        InProcessConclave.with(settings).noCoordinator().noProjections().start()) {
      StackClient client = conclave.client();
      List<Integer> healthPorts = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
          port = socket.getLocalPort();
        }
        healthPorts.add(port);
        List<String> props = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
        props.add("-Dconclave.coordinator.health-port=" + port);
        coordinators.add(
            ChildProcess.start(
                "coordinator-" + i, "io.conclave.coordinator.Coordinator", props, out));
      }
      eventually(() -> assertThat(client.latestLeaders()).hasSize(settings.partitions()));

      // When: tasks flow; a third of the way in, the leader of shard 0 is killed
      LeaderElected killed = null;
      for (int i = 0; i < TASKS; i++) {
        client.submit("t-" + i, "task number " + i);
        if (i == TASKS / 3) {
          killed = client.latestLeaders().get(0);
          long pid = pidOf(killed.memberId());
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Thread.sleep(30); // a steady flow, not a burst
      }

      // Then: shard 0 has a new leader with a larger epoch, in another process. (The killed process
      // may have announced once more just before it died, after the leaders were read: only another
      // process's announcement with a larger epoch is the take-over.)
      LeaderElected dead = killed;
      eventually(
          () -> {
            LeaderElected now = client.latestLeaders().get(0);
            assertThat(now.epoch()).isGreaterThan(dead.epoch());
            assertThat(pidOf(now.memberId())).isNotEqualTo(pidOf(dead.memberId()));
          });
      LeaderElected successor = client.latestLeaders().get(0);
      out.printf(
          "shard 0: leader %s (epoch %d) killed; %s took over with epoch %d%n",
          dead.memberId(), dead.epoch(), successor.memberId(), successor.epoch());

      // ... and every task's saga started exactly once and completed
      SagaChecks.assertEverySagaRanOnce(client, "t-", TASKS);
      // ... and each planner's decision log has no gap, no repeat, and epochs that never go back
      for (int shard = 0; shard < settings.partitions(); shard++) {
        List<Decision> plans =
            client.decisionsOf("planner-" + shard).stream()
                .map(StackClient.Logged::decision)
                .toList();
        for (int n = 0; n < plans.size(); n++) {
          assertThat(plans.get(n).sequence()).isEqualTo(n);
        }
        assertThat(plans.stream().map(d -> d.leaderEpoch().orElseThrow()).toList()).isSorted();
      }
      // ... and the two survivors' /health is UP (health-port: the older name of
      // micronaut.server.port), and between them they own every shard
      int killedIndex =
          coordinators.indexOf(
              coordinators.stream()
                  .filter(c -> c.pid() == pidOf(dead.memberId()))
                  .findFirst()
                  .orElseThrow());
      eventually(
          () -> {
            List<Integer> owned = new ArrayList<>();
            for (int i = 0; i < healthPorts.size(); i++) {
              if (i == killedIndex) {
                continue;
              }
              var health = new Http("http://127.0.0.1:" + healthPorts.get(i)).get("/health");
              assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
              var loop =
                  new com.fasterxml.jackson.databind.ObjectMapper()
                      .readTree(health.body())
                      .at("/details/loops/details/loops")
                      .get(0);
              assertThat(loop.get("name").asText()).isEqualTo("coordinator");
              loop.get("partitions").forEach(p -> owned.add(p.asInt()));
            }
            assertThat(owned)
                .containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, settings.partitions()).boxed().toList());
          });
    } finally {
      coordinators.forEach(ChildProcess::requestStop);
      coordinators.forEach(c -> c.awaitStop(20));
    }
  }

  static long pidOf(String memberId) {
    return Long.parseLong(memberId.split("-")[1]); // coordinator-<pid>-<random>
  }
}
