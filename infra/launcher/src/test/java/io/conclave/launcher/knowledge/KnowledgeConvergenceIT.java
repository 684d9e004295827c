package io.conclave.launcher.knowledge;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.launcher.harness.ScriptedAgents;
import io.conclave.launcher.saga.SagaIT;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.schemas.CrdtJson;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shared knowledge end to end: three worker processes run sagas whose every step updates the same
 * knowledge keys (so up to nine agent instances update each key concurrently), and two projections
 * processes of one Kafka Streams application merge the deltas. Any instance answers for any key
 * (forwarding to the key's owner), both agree with the merge of every knowledge decision in the
 * agents' logs, also as of an earlier time; and when one instance is killed, the other answers 503
 * or a value the knowledge had, never a wrong one, until it has taken over, and the restarted
 * instance converges too.
 */
@ExtendWith(ConclaveStackExtension.class)
class KnowledgeConvergenceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KEYS =
      List.of(
          ScriptedAgents.STEPS,
          ScriptedAgents.BALANCE,
          ScriptedAgents.SAGAS,
          ScriptedAgents.LATEST,
          ScriptedAgents.BY_TYPE);
  private static final int FIRST = 24;
  private static final int SECOND = 12;

  @Test
  void everyInstanceAnswersTheMergeOfEveryUpdateAlsoAcrossAKill(ConclaveStack stack)
      throws Exception {
    ConclaveSettings settings = stack.prepare(SagaIT.sagaSettings(stack, "knowledge"));
    List<String> props = settings.withAutoRegister(false).asSystemProperties();
    List<ChildProcess> children = new ArrayList<>();
    int[] ports = {Http.freePort(), Http.freePort()};
    // the projections run as processes of their own (one is killed), started here
    try (InProcessConclave conclave =
        InProcessConclave.with(settings)
            .workers(0)
            .workerProcesses(3, List.of())
            .noProjections()
            .start()) {
      StackClient client = conclave.client();
      ChildProcess a = projections("projections-a", props, ports[0]);
      ChildProcess b = projections("projections-b", props, ports[1]);
      children.add(a);
      children.add(b);
      Http httpA = new Http("http://127.0.0.1:" + ports[0]);
      Http httpB = new Http("http://127.0.0.1:" + ports[1]);

      // Given: a first batch of sagas, each of whose three steps updates every key
      submit(client, "k1-", FIRST);
      awaitCompleted(client, FIRST);
      Instant between = Instant.now();
      Map<String, Crdt> first = expected(client, Instant.MAX);

      // Then: both instances answer every key (each holds some of them) with the merge of every
      // update
      assertThat(((GCounter) first.get(ScriptedAgents.STEPS)).value())
          .as("each step once")
          .isEqualTo(3L * FIRST);
      assertThat(((PNCounter) first.get(ScriptedAgents.BALANCE)).value()).isZero();
      assertThat(((OrSet) first.get(ScriptedAgents.SAGAS)).value()).hasSize(FIRST);
      assertThat(first.get(ScriptedAgents.STEPS).replicas())
          .as("several agent instances counted")
          .hasSizeGreaterThan(3);
      for (Http http : List.of(httpA, httpB)) {
        awaitKnowledge(http, first);
        JsonNode steps = JSON.readTree(http.get("/knowledge/" + ScriptedAgents.STEPS).body());
        assertThat(steps.path("type").asText()).isEqualTo("g-counter");
        assertThat(steps.path("value").asLong()).isEqualTo(3L * FIRST);
        assertThat(steps.path("replicas"))
            .extracting(JsonNode::asText)
            .containsExactlyElementsOf(first.get(ScriptedAgents.STEPS).replicas());
        JsonNode page = JSON.readTree(http.get("/knowledge?prefix=shared.").body());
        assertThat(page.path("entries"))
            .extracting(e -> e.path("key").asText())
            .containsExactlyElementsOf(KEYS.stream().sorted().toList());
        assertThat(http.get("/knowledge/shared.nothing").statusCode()).isEqualTo(404);
        assertThat(http.get("/knowledge/no%20such%20key").statusCode()).isEqualTo(400);
      }

      // When: instance a is killed while a second batch runs
      a.kill();
      submit(client, "k2-", SECOND);
      awaitCompleted(client, FIRST + SECOND);
      Map<String, Crdt> all = expected(client, Instant.MAX);

      // Then: b answers 503 (with Retry-After) or knowledge the cluster had, never a wrong value,
      // until it has it all
      // not eventually(): a wrong answer on the way must fail the test at once, not be retried
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                boolean complete = true;
                for (String key : KEYS) {
                  HttpResponse<String> r = httpB.get("/knowledge/" + key);
                  if (r.statusCode() == 503) {
                    assertThat(r.headers().firstValue("Retry-After"))
                        .as("503 for " + key)
                        .isPresent();
                    complete = false;
                    continue;
                  }
                  assertThat(r.statusCode()).as(key + ": " + r.body()).isEqualTo(200);
                  Crdt answered = CrdtJson.decode(JSON.readTree(r.body()).path("state").toString());
                  assertThat(answered.merge(all.get(key)))
                      .as(key + " is knowledge the agents had")
                      .isEqualTo(all.get(key));
                  complete &= answered.equals(all.get(key));
                }
                return complete;
              });

      // and a restarted a (empty local state) converges as well, on every key and as of the earlier
      // time
      a = projections("projections-a2", props, ports[0]);
      children.add(a);
      Map<String, Crdt> asOfBetween = expected(client, between);
      for (Http http : List.of(httpA, httpB)) {
        awaitKnowledge(http, all);
        for (String key : KEYS) {
          JsonNode then = JSON.readTree(http.get("/knowledge/" + key + "?at=" + between).body());
          assertThat(CrdtJson.decode(then.path("state").toString()))
              .as(key + " at " + between)
              .isEqualTo(asOfBetween.get(key));
        }
      }
      assertThat(asOfBetween).isEqualTo(first);
    } finally {
      children.forEach(ChildProcess::kill);
    }
  }

  private static ChildProcess projections(String name, List<String> props, int port)
      throws IOException {
    List<String> own = new ArrayList<>(props);
    own.add("-Dconclave.http.port=" + port);
    own.add("-Dconclave.state-dir=" + Files.createTempDirectory("knowledge-" + name));
    return ChildProcess.start(
        name, "io.conclave.projections.ProjectionsApplication", own, System.out);
  }

  private static void submit(StackClient client, String prefix, int n) {
    var plan =
        Saga.step("fx-research", "learn-gather", "undo")
            .step("fx-analysis", "learn-analyze", "undo")
            .step("fx-write", "learn-draft", "undo")
            .build()
            .steps();
    for (int i = 0; i < n; i++) {
      client.submit(prefix + i, "question " + i, plan);
    }
  }

  private static void awaitCompleted(StackClient client, int sagas) {
    eventually(
        () ->
            assertThat(client.sagaEvents())
                .filteredOn(e -> e instanceof SagaEvent.Completed)
                .hasSizeGreaterThanOrEqualTo(sagas));
  }

  /**
   * The merge of every knowledge update in the agents' logs made at or before {@code until}, by
   * key.
   */
  private static Map<String, Crdt> expected(StackClient client, Instant until) {
    Map<String, Crdt> merged = new TreeMap<>();
    client.decisions().stream()
        .filter(d -> d.kind().equals(KnowledgeDelta.DECISION))
        .filter(((Predicate<Decision>) d -> d.at().isAfter(until)).negate())
        .map(KnowledgeDelta::of)
        .forEach(d -> merged.merge(d.key(), d.delta(), Crdt::merge));
    return merged;
  }

  /**
   * Waits until the instance (which may still be starting) answers every key with exactly the
   * expected state.
   */
  private static void awaitKnowledge(Http http, Map<String, Crdt> expected) {
    eventually(
        () -> {
          for (String key : KEYS) {
            HttpResponse<String> r = http.get("/knowledge/" + key);
            assertThat(r.statusCode()).as(key + ": " + r.body()).isEqualTo(200);
            assertThat(CrdtJson.decode(JSON.readTree(r.body()).path("state").toString()))
                .as(key)
                .isEqualTo(expected.get(key));
          }
        });
  }
}
