package io.conclave.launcher.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.schemas.SchemaCatalog;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.RegistryServer;
import io.conclave.testkit.Signals;
import io.conclave.testkit.StackClient;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The schema registry hangs (SIGSTOP: it holds its connections and answers nothing, the hardest way
 * to be away) while Conclave runs, and comes back. Writers that already know their schemas carry
 * on; readers and writers that do not fail fast with a clear error (HTTP 503) or wait for it, and
 * then carry on, with nothing skipped, nothing dead-lettered and nothing acknowledged that was not
 * written.
 */
@ExtendWith(ConclaveStackExtension.class)
class RegistryOutageIT {

  @Test
  void aHungRegistryDelaysWorkButLosesNothing(ConclaveStack stack) throws Exception {
    // Given: a registry of this test's own, and a running Conclave that has finished a task (its
    // serdes are warm)
    try (RegistryServer registry = RegistryServer.start(Path.of("target/registry-outage.log"))) {
      ConclaveSettings settings =
          stack.isolated("registry-outage").withEndpoints(stack.bootstrapServers(), registry.url());
      SchemaCatalog.registerAll(settings.registry(), settings.topics(), settings.agentTypes());
      // the projections are replaced while the registry hangs: instances of the test's own
      List<EmbeddedServer> serving = new ArrayList<>();
      try (InProcessConclave conclave = InProcessConclave.with(settings).noProjections().start()) {
        StackClient client = conclave.client();
        serving.add(InProcessConclave.startProjections(settings));
        Http warm = new Http("http://127.0.0.1:" + serving.get(0).getPort());
        assertThat(warm.postJson("/tasks", task("ro-before")).statusCode()).isEqualTo(202);
        warm.awaitTaskStatus("ro-before", "COMPLETED");
        // a client of this test that has written a task before: it knows the schema's id
        client.records().task(submission("ro-warm-up"));

        // When: the registry hangs; a new worker replaces the one running, and a new projections
        // instance replaces the one serving; neither has read a schema yet
        Http cold;
        Signals.pause(registry.process());
        try {
          conclave.workers().get(0).close();
          conclave.startWorker();
          serving.remove(0).close();
          serving.add(InProcessConclave.startProjections(settings));
          cold = new Http("http://127.0.0.1:" + serving.get(0).getPort());

          // Then: a write the registry is needed for is refused at once, with the reason, and
          // nothing is written
          HttpResponse<String> refused = cold.postJson("/tasks", task("ro-refused"));
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
          assertThat(refused.body())
              .contains("schema registry", registry.url(), "did not answer within");

          // and a write that needs no registry (the test's client knows the schema) is
          // acknowledged; its first step waits for the new worker, which cannot read the command
          // yet and neither dead-letters nor skips it
          client.submit(submission("ro-during"));
          await()
              .during(Duration.ofSeconds(8))
              .atMost(Duration.ofSeconds(12))
              .until(
                  () ->
                      deadLetterCount(client) == 0
                          && !"COMPLETED".equals(status(cold, "ro-during")));
        } finally {
          Signals.resume(registry.process());
        }

        // Then, once it answers again: the waiting step runs, the new projections serve what
        // happened before they
        // started and take writes again, and nothing went to the dead letters
        cold.awaitTaskStatus("ro-during", "COMPLETED");
        cold.awaitTaskStatus("ro-before", "COMPLETED");
        assertThat(cold.postJson("/tasks", task("ro-after")).statusCode()).isEqualTo(202);
        cold.awaitTaskStatus("ro-after", "COMPLETED");
        assertThat(tasksWritten(client))
            .contains("ro-before", "ro-during", "ro-after")
            .doesNotContain("ro-refused");
        assertThat(deadLetterCount(client)).isZero();
      } finally {
        for (EmbeddedServer projections : serving) {
          projections.close();
        }
      }
    }
  }

  private static TaskSubmission submission(String id) {
    return new TaskSubmission(id, "what is " + id + "?", Clock.systemUTC().instant());
  }

  private static String task(String id) {
    return "{\"taskId\":\"" + id + "\",\"prompt\":\"what is " + id + "?\"}";
  }

  private static String status(Http http, String taskId) {
    HttpResponse<String> r = http.get("/tasks/" + taskId);
    return r.statusCode() == 200
        ? r.body().replaceAll(".*\"status\"\\s*:\\s*\"([A-Z_]+)\".*", "$1")
        : "";
  }

  private static List<String> tasksWritten(StackClient client) {
    return client
        .all(
            client.settings().topics().tasks(),
            client.settings().partitions(),
            client.serdes().taskSubmission().deserializer())
        .stream()
        .map(TaskSubmission::taskId)
        .toList();
  }

  /** Counted, not read: reading them would need the registry. */
  private static int deadLetterCount(StackClient client) {
    return client
        .all(client.settings().topics().deadLetters(), 1, new ByteArrayDeserializer())
        .size();
  }
}
