package io.conclave.launcher.saga;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.docs.SourceTree;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.DeadLetter;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A task written by a program in another language, with a widely used Kafka client and its
 * Confluent schema registry library ({@code examples/producer-node}: kafkajs and
 * {@code @kafkajs/confluent-schema-registry}), runs to completion as one submitted over HTTP does.
 * The program knows nothing of Apicurio: it looks the schema up by subject in the registry's
 * Confluent-compatible API and writes the Confluent framing.
 *
 * <p>It needs Node.js and the example's packages ({@code npm ci} in {@code examples/producer-node},
 * which {@code .ci/run} does): without them it is skipped with a message saying what to run, and
 * fails instead in CI ({@code CI=true}), where they must be there.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeProducerIT {
  private static final ObjectMapper json = new ObjectMapper();

  /** Bounds a run that hangs (a broker it cannot reach): not a measure of anything. */
  private static final long RUN_LIMIT_SECONDS = 120;

  private final Path project = SourceTree.root().resolve("examples").resolve("producer-node");

  private ConclaveStack stack;
  private ConclaveSettings settings;
  private InProcessConclave conclave;
  private Http http;
  private StackClient client;

  @BeforeAll
  void start(ConclaveStack stack) throws Exception {
    this.stack = stack;
    settings = stack.isolated("node-producer");
    conclave = InProcessConclave.with(settings).workers(1).start();
    http = conclave.http();
    client = conclave.client();
  }

  @AfterAll
  void stop() throws Exception {
    if (conclave != null) {
      conclave.close();
    }
  }

  @Test
  void aTaskProducedByKafkajsInTheConfluentFramingCompletes() throws Exception {
    // in the test, not before all: a skip is reported with its message
    requireNodeAndPackages();

    // When
    JsonNode sent = produceWithNode("from-node-1", "Why is the sky blue?");

    // Then: the record is in the Confluent framing, with the id the ccompat API handed out ...
    String tasks = settings.topics().tasks();
    assertThat(sent.path("subject").asText()).isEqualTo(tasks + "-value");
    int schemaId = sent.path("schemaId").asInt();
    List<byte[]> values = client.all(tasks, settings.partitions(), (topic, bytes) -> bytes);
    assertThat(values)
        .anySatisfy(
            v -> {
              assertThat(v[0]).isZero();
              assertThat(ByteBuffer.wrap(v, 1, 4).getInt()).isEqualTo(schemaId);
            });
    // ... and the task runs to completion, its prompt as written
    JsonNode task = http.awaitTaskStatus("from-node-1", "COMPLETED");
    assertThat(task.path("sagaId").asText()).isEqualTo("saga-from-node-1");
    assertThat(task.path("steps")).isNotEmpty();
    eventually(
        () ->
            assertThat(json.readTree(http.get("/tasks/from-node-1").body()).path("prompt").asText())
                .isEqualTo("Why is the sky blue?"));
  }

  @Test
  void aConfluentFramedTaskWhoseIdTheRegistryNeverGaveIsDeadLettered() throws Exception {
    // Given: the Confluent framing with an id no schema has
    String tasks = settings.topics().tasks();
    byte[] value = ByteBuffer.allocate(12).put((byte) 0).putInt(987_654).put(new byte[7]).array();

    // When
    RecordMetadata poison =
        client.send(
            new ProducerRecord<>(tasks, "unknown-id".getBytes(StandardCharsets.UTF_8), value));

    // Then
    eventually(
        () ->
            assertThat(client.deadLetters())
                .filteredOn(
                    (DeadLetter d) ->
                        d.sourceTopic().equals(tasks)
                            && d.sourcePartition() == poison.partition()
                            && d.sourceOffset() == poison.offset())
                .singleElement()
                .satisfies(d -> assertThat(d.value()).isEqualTo(value)));
  }

  /** Runs the example program; returns the JSON line it prints. */
  private JsonNode produceWithNode(String taskId, String prompt) throws Exception {
    Path log = Files.createTempFile("node-producer", ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                "node",
                "produce-task.js",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--registry",
                settings.registry().confluentCompatibleUrl(),
                "--topic",
                settings.topics().tasks(),
                "--task-id",
                taskId,
                "--prompt",
                prompt));
    Process node =
        new ProcessBuilder(command)
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!node.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
      node.destroyForcibly();
      fail("node did not end within " + RUN_LIMIT_SECONDS + " s: " + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(node.exitValue()).as(output).isZero();
    String last = output.strip().lines().reduce((a, b) -> b).orElse("");
    return json.readTree(last);
  }

  /**
   * Node.js and the example's packages, or a message saying what to run: a skip on a developer's
   * machine, a failure in CI, whose script installs both.
   */
  private void requireNodeAndPackages() {
    String missing = null;
    if (!nodeRuns()) {
      missing = "Node.js is not installed (node is not on the PATH)";
    } else if (!Files.isDirectory(project.resolve("node_modules"))) {
      missing = project + " has no node_modules";
    }
    if (missing == null) {
      return;
    }
    String message =
        missing
            + ": install Node.js 18 or later and run `npm ci` in "
            + project
            + " (.ci/run does)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  private static boolean nodeRuns() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
