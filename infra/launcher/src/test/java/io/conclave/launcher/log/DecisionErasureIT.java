package io.conclave.launcher.log;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Erasing an agent ({@code conclave decisions erase}) tombstones every decision key it wrote; the
 * audit trail no longer shows it, others stay.
 */
@ExtendWith(ConclaveStackExtension.class)
class DecisionErasureIT {
  @Test
  void anErasedAgentsDecisionsAreTombstonedAndGoneFromTheProjection(ConclaveStack stack)
      throws Exception {
    // Given: two tasks ran, so research and analysis agents have decisions
    ConclaveSettings settings = stack.isolated("erasure");
    try (InProcessConclave conclave = InProcessConclave.with(settings).workers(1).start()) {
      Http http = conclave.http();
      for (String id : new String[] {"erase-1", "erase-2"}) {
        assertThat(
                http.postJson("/tasks", "{\"taskId\":\"" + id + "\",\"prompt\":\"Forget me\"}")
                    .statusCode())
            .isEqualTo(202);
        http.awaitTaskStatus(id, "COMPLETED");
      }
      String research = "research-" + Partitioning.of("saga-erase-1", settings.partitions());
      String analysis = "analysis-" + Partitioning.of("saga-erase-1", settings.partitions());
      eventually(
          () -> {
            assertThat(http.get("/agents/" + research + "/decisions").statusCode()).isEqualTo(200);
            assertThat(http.get("/agents/" + analysis + "/decisions").statusCode()).isEqualTo(200);
          });

      // and decisions tail --json lists the agent's decisions, and only its own
      Cli.Result tail = Cli.run(settings, "decisions", "tail", "--agent", research, "--json");
      assertThat(tail.exitCode()).as(tail.err()).isZero();
      JsonNode listed = new ObjectMapper().readTree(String.join("\n", tail.out()));
      assertThat(listed.path("topic").asText()).isEqualTo(settings.topics().decisions());
      assertThat(listed.path("count").asInt())
          .isPositive()
          .isEqualTo(listed.path("records").size());
      assertThat(listed.path("records"))
          .allSatisfy(r -> assertThat(r.path("key").path("agentId").asText()).isEqualTo(research));

      // When: erased by the CLI
      Cli.Result erasure =
          Cli.run(settings, "decisions", "erase", "--agent", research, "--execute", "--json");
      assertThat(erasure.exitCode()).as(erasure.err()).isZero();
      JsonNode answer = new ObjectMapper().readTree(String.join("\n", erasure.out()));
      assertThat(answer.path("agentId").asText()).isEqualTo(research);
      int erased = answer.path("erased").asInt();

      // Then: every key of the agent ends in a tombstone; the audit trail forgets it; other agents
      // are untouched
      assertThat(erased).isPositive();
      Map<Long, Boolean> liveByKey = latestByKey(conclave.client(), research);
      assertThat(liveByKey).hasSize(erased).doesNotContainValue(true);
      eventually(
          () ->
              assertThat(http.get("/agents/" + research + "/decisions").statusCode())
                  .isEqualTo(404));
      assertThat(http.get("/agents/" + analysis + "/decisions").statusCode()).isEqualTo(200);
    }
  }

  /**
   * For each sequence of the agent: whether its latest record has a value (false = tombstone). The
   * client leaves tombstones out, so this scans the agent's partition itself.
   */
  private static Map<Long, Boolean> latestByKey(StackClient client, String agentId) {
    ConclaveSettings settings = client.settings();
    String topic = settings.topics().decisions();
    var keys = client.serdes().decisionKey().deserializer();
    Map<Long, Boolean> latest = new HashMap<>();
    TopicScan.scan(
        settings.kafka(),
        new TopicPartition(topic, Partitioning.of(agentId, settings.partitions())),
        0,
        -1,
        r -> {
          DecisionKey key = keys.deserialize(topic, r.key());
          if (key.agentId().equals(agentId)) {
            latest.put(key.sequence(), r.value() != null);
          }
        });
    return latest;
  }
}
