package io.conclave.launcher.service;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.saga.SagaState;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.conclave.worker.AgentWorker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CLI against a real cluster: {@code conclave worker} drives a saga, told where the cluster is
 * by its flags alone, and stops when its process is told to; {@code saga list} and {@code
 * dead-letters list} show what happened; {@code groups reset} and {@code decisions erase} change
 * nothing without {@code --execute}.
 */
@ExtendWith(ConclaveStackExtension.class)
class ServiceCommandsIT {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void aWorkerRunByTheCliDrivesASagaThatTheListsShowAndThePreviewsChangeNothing(ConclaveStack stack)
      throws Exception {
    ConclaveSettings settings = stack.isolated("service");
    String research = AgentWorker.groupId(settings, "research");
    try (InProcessConclave coordinator =
            InProcessConclave.with(settings).workers(0).noProjections().start();
        StackClient client = new StackClient(settings);
        Admin admin = stack.admin()) {
      // Given: `conclave worker`, the cluster and registry given by its flags only, the environment
      // naming a cluster that is not there
      Path output = Files.createTempFile("conclave-worker", ".log");
      Process worker =
          Cli.start(
              withoutEndpoints(settings),
              unreachableEnvironment(),
              ProcessBuilder.Redirect.to(output.toFile()),
              "worker",
              "--bootstrap-server",
              stack.bootstrapServers(),
              "--registry-url",
              stack.registryUrl(),
              "--offline-agents");
      SagaState saga;
      try {
        // When: a task is submitted
        client.submit("svc-1", "Why is the sky blue?");

        // Then: the CLI's worker, the only one, runs its steps to the end, a member of each group
        saga = client.awaitEnd("saga-svc-1");
        assertThat(saga.status())
            .as(Files.readString(output))
            .isEqualTo(SagaState.Status.COMPLETED);
        assertThat(members(admin, research)).isPositive();
      } finally {
        worker.destroy(); // SIGTERM, as a supervisor or Ctrl-C stops it
      }
      // and, told to stop, it stops and leaves its groups
      assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(output)).isTrue();
      eventually(() -> assertThat(members(admin, research)).isZero());

      // saga list shows it with its status, newest first, the cluster given by the flag only
      Cli.Result listed =
          Cli.finish(
              Cli.start(
                  withoutEndpoints(settings),
                  unreachableEnvironment(),
                  ProcessBuilder.Redirect.PIPE,
                  "saga",
                  "list",
                  "--bootstrap-server",
                  stack.bootstrapServers(),
                  "--registry-url",
                  stack.registryUrl()));
      assertThat(listed.exitCode()).as(listed.err()).isZero();
      assertThat(listed.out())
          .singleElement()
          .satisfies(l -> assertThat(l).startsWith("saga-svc-1").contains("COMPLETED"));
      Cli.Result listedJson = Cli.run(settings, "saga", "list", "--json", "--limit", "5");
      JsonNode sagas = json.readTree(String.join("\n", listedJson.out()));
      assertThat(sagas).hasSize(1);
      assertThat(sagas.get(0).path("sagaId").asText()).isEqualTo("saga-svc-1");
      assertThat(sagas.get(0).path("status").asText()).isEqualTo("COMPLETED");

      // dead-letters list shows a record the coordinator could not read: where it came from and why
      byte[] poison =
          ByteBuffer.allocate(12).put((byte) 0).putInt(987_654).put(new byte[7]).array();
      RecordMetadata sent =
          client.send(
              new ProducerRecord<>(
                  settings.topics().tasks(), "bad-1".getBytes(StandardCharsets.UTF_8), poison));
      eventually(() -> assertThat(client.deadLetters()).isNotEmpty());
      DeadLetter letter = client.deadLetters().get(0);
      Cli.Result letters = Cli.run(settings, "dead-letters", "list");
      assertThat(letters.exitCode()).as(letters.err()).isZero();
      assertThat(letters.out())
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .contains(
                          "key bad-1",
                          "from " + sent.topic() + "-" + sent.partition() + "@" + sent.offset(),
                          letter.errorClass(),
                          "at " + letter.at()));
      JsonNode lettersJson =
          json.readTree(
              String.join("\n", Cli.run(settings, "dead-letters", "list", "--json").out()));
      assertThat(lettersJson).hasSize(1);
      assertThat(lettersJson.get(0).path("sourceOffset").asLong()).isEqualTo(sent.offset());
      assertThat(lettersJson.get(0).path("key").asText()).isEqualTo("bad-1");

      // groups reset previews without --execute: nothing moves
      Map<TopicPartition, Long> before = committed(admin, research);
      assertThat(before.values()).anyMatch(o -> o > 0);
      String[] reset = {
        "groups", "reset", "--group", research, "--topic", "commands.research", "--to-offset", "0"
      };
      Cli.Result preview = Cli.run(settings, reset);
      assertThat(preview.exitCode()).as(preview.err()).isZero();
      assertThat(preview.out())
          .contains("nothing changed: run again with --execute to reset")
          .anyMatch(
              l -> l.matches(".*commands\\.research-\\d -> 0 {3}\\(committed now: [1-9]\\d*\\)"));
      assertThat(committed(admin, research)).isEqualTo(before);
      // and does it with --execute
      Cli.Result executed = Cli.run(settings, concat(reset, "--execute", "--json"));
      assertThat(executed.exitCode()).as(executed.err()).isZero();
      JsonNode done = json.readTree(String.join("\n", executed.out()));
      assertThat(done.path("executed").asBoolean()).isTrue();
      assertThat(committed(admin, research))
          .isNotEmpty()
          .allSatisfy((tp, o) -> assertThat(o).isZero());

      // decisions erase previews without --execute: it counts, and writes no tombstone
      String agent = "research-" + Partitioning.of(saga.sagaId(), settings.partitions());
      int decisions = client.decisionsOf(agent).size();
      assertThat(decisions).isPositive();
      long end = end(admin, settings, agent);
      Cli.Result erase = Cli.run(settings, "decisions", "erase", "--agent", agent, "--json");
      assertThat(erase.exitCode()).as(erase.err()).isZero();
      JsonNode counted = json.readTree(String.join("\n", erase.out()));
      assertThat(counted.path("executed").asBoolean()).isFalse();
      assertThat(counted.path("decisions").asInt()).isEqualTo(decisions);
      assertThat(counted.path("erased").asInt()).isZero();
      assertThat(end(admin, settings, agent)).isEqualTo(end);
      assertThat(client.decisionsOf(agent)).hasSize(decisions);
    }
  }

  /** The settings' system properties but where the cluster and the registry are. */
  private static List<String> withoutEndpoints(ConclaveSettings settings) {
    return settings.asSystemProperties().stream()
        .filter(
            p ->
                !p.startsWith("-Dconclave.kafka.bootstrap-servers=")
                    && !p.startsWith("-Dconclave.registry.url="))
        .toList();
  }

  /** An environment naming a cluster and a registry nobody listens at: the flags must win. */
  private static Map<String, String> unreachableEnvironment() {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS",
        "127.0.0.1:1",
        "CONCLAVE_REGISTRY_URL",
        "http://127.0.0.1:1/apis/registry/v2");
  }

  private static int members(Admin admin, String group) throws Exception {
    return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
  }

  private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
    return admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get()
        .entrySet()
        .stream()
        .filter(e -> e.getKey().topic().endsWith(".commands.research") && e.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** The end offset of the agent's partition of the decisions topic. */
  private static long end(Admin admin, ConclaveSettings settings, String agent) throws Exception {
    TopicPartition tp =
        new TopicPartition(
            settings.topics().decisions(), Partitioning.of(agent, settings.partitions()));
    return admin
        .listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
        .all()
        .get()
        .get(tp)
        .offset();
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
