package io.conclave.launcher.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.coordinator.Coordinator;
import io.conclave.coordinator.OfflinePlanner;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.RecordedLogs;
import io.conclave.launcher.harness.ScriptedAgents;
import io.conclave.launcher.saga.SagaIT;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.CrdtJson;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
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
    var records = new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()));
    List<ChildProcess> children = new ArrayList<>();
    int[] ports = {Http.freePort(), Http.freePort()};
    try (Coordinator coordinator =
            new Coordinator(settings, new OfflinePlanner(), Clock.systemUTC()).start();
        var producer =
            new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
      for (int i = 0; i < 3; i++) {
        children.add(
            ChildProcess.start("worker-" + i, "io.conclave.worker.AgentWorker", props, System.out));
      }
      ChildProcess a = projections("projections-a", props, ports[0]);
      ChildProcess b = projections("projections-b", props, ports[1]);
      children.add(a);
      children.add(b);
      Http httpA = new Http("http://127.0.0.1:" + ports[0]);
      Http httpB = new Http("http://127.0.0.1:" + ports[1]);

      // Given: a first batch of sagas, each of whose three steps updates every key
      submit(producer, records, "k1-", FIRST);
      awaitCompleted(settings, FIRST);
      Instant between = Instant.now();
      Map<String, Crdt> first = expected(settings, Instant.MAX);

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
      submit(producer, records, "k2-", SECOND);
      awaitCompleted(settings, FIRST + SECOND);
      Map<String, Crdt> all = expected(settings, Instant.MAX);

      // Then: b answers 503 (with Retry-After) or knowledge the cluster had, never a wrong value,
      // until it has it all
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
      Map<String, Crdt> asOfBetween = expected(settings, between);
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

  private static void submit(
      KafkaProducer<byte[], byte[]> producer, ConclaveRecords records, String prefix, int n)
      throws Exception {
    var plan =
        Saga.step("fx-research", "learn-gather", "undo")
            .step("fx-analysis", "learn-analyze", "undo")
            .step("fx-write", "learn-draft", "undo")
            .build()
            .steps();
    for (int i = 0; i < n; i++) {
      producer.send(
          records.task(
              new TaskSubmission(prefix + i, "question " + i, Instant.now(), Optional.of(plan))));
    }
    producer.flush();
  }

  private static void awaitCompleted(ConclaveSettings settings, int sagas) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                RecordedLogs.sagaEvents(settings).stream()
                        .filter(e -> e instanceof SagaEvent.Completed)
                        .count()
                    >= sagas);
  }

  /**
   * The merge of every knowledge update in the agents' logs made at or before {@code until}, by
   * key.
   */
  private static Map<String, Crdt> expected(ConclaveSettings settings, Instant until) {
    Map<String, Crdt> merged = new TreeMap<>();
    RecordedLogs.allDecisions(settings).stream()
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
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(UncheckedIOException.class)
        .until(
            () ->
                IntStream.range(0, KEYS.size())
                    .allMatch(
                        i -> {
                          HttpResponse<String> r = http.get("/knowledge/" + KEYS.get(i));
                          try {
                            return r.statusCode() == 200
                                && CrdtJson.decode(JSON.readTree(r.body()).path("state").toString())
                                    .equals(expected.get(KEYS.get(i)));
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        }));
  }
}
