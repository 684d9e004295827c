package io.conclave.projections.runtime;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.SagaEvent;
import io.conclave.projections.sagas.SagaHistories;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two projections instances in one group, against a real broker and registry: each answers every
 * query as one instance would, whichever holds the data. Each answers for every knowledge key
 * (forwarding to the other the keys of its partitions), now and as of a time, and lists every key;
 * each shows every task with its saga, even when the task's submission and its saga sit on
 * different instances, lists every saga and every shard's leader, and shows every agent's
 * decisions. Alone again, the first answers for all of them from its own stores.
 */
@ExtendWith(ConclaveStackExtension.class)
class ScaleOutQueriesIT {
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final Instant T0 =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

  @Test
  void everyInstanceAnswersEveryQuery(ConclaveStack stack) throws Exception {
    // given: twelve counters, each incremented by two replicas a minute apart, and a set
    ConclaveSettings settings = stack.isolated("scale-out");
    Map<String, Long> counters = new TreeMap<>();
    List<KnowledgeDelta> deltas = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String key = "team.counter-" + i;
      deltas.add(
          new KnowledgeDelta(
              key, "alpha-0", i, Optional.empty(), T0, GCounter.EMPTY.increment("alpha-0", i)));
      deltas.add(
          new KnowledgeDelta(
              key,
              "beta-1",
              i,
              Optional.empty(),
              T0.plusSeconds(60),
              GCounter.EMPTY.increment("beta-1", 100)));
      counters.put(key, i + 100L);
    }
    deltas.add(
        new KnowledgeDelta(
            "team.facts",
            "alpha-0",
            99,
            Optional.empty(),
            T0,
            OrSet.EMPTY.add("alpha-0", "kafka")));
    Map<String, String> outcomes = new TreeMap<>();
    try (StackClient client = new StackClient(settings)) {
      write(client, deltas);
      // and: twelve tasks (three of them compensated), each with its saga, two agents' decisions
      // and two shards' leaders
      writeSagas(client, outcomes);
    }

    try (EmbeddedServer first = start(settings)) {
      eventually(() -> assertThat(value(first, "team.counter-11")).isEqualTo(111));
      try (EmbeddedServer second = start(settings)) {
        // when: both hold some partitions
        eventually(
            () -> {
              Set<String> a = partitions(first);
              Set<String> b = partitions(second);
              assertThat(a).isNotEmpty().doesNotContainAnyElementsOf(b);
              assertThat(b).isNotEmpty();
              assertThat(a.size() + b.size()).isEqualTo(settings.partitions());
            });

        // then: each answers for every key, now and as of before the second replica's increments
        for (EmbeddedServer server : List.of(first, second)) {
          eventually(
              () -> {
                for (var counter : counters.entrySet()) {
                  assertThat(value(server, counter.getKey()))
                      .as(counter.getKey())
                      .isEqualTo(counter.getValue());
                }
                assertThat(value(server, "team.counter-5", T0.plusSeconds(30))).isEqualTo(5);
                assertThat(
                        get(
                                server,
                                "/knowledge/team.counter-5?at=" + T0.minusSeconds(1).toEpochMilli())
                            .statusCode())
                    .isEqualTo(404);
                JsonNode page =
                    json.readTree(get(server, "/knowledge?prefix=team.counter-&limit=1000").body());
                List<String> keys = new ArrayList<>();
                page.get("entries").forEach(e -> keys.add(e.get("key").asText()));
                assertThat(keys).containsExactlyElementsOf(counters.keySet());
                assertThat(page.get("truncated").asBoolean()).isFalse();
              });
        }
        // and: each shows every task, saga, leader and decision, the same as the other
        for (EmbeddedServer server : List.of(first, second)) {
          eventually(() -> assertSagas(server, outcomes));
        }
        JsonNode facts = json.readTree(get(second, "/knowledge/team.facts").body());
        assertThat(facts.get("value")).hasToString("[\"kafka\"]");
        assertThat(
                json.readTree(get(first, "/knowledge?limit=5").body()).get("truncated").asBoolean())
            .isTrue();
      }
      // and: alone again, the first answers for every key itself
      eventually(
          () -> {
            assertThat(partitions(first)).hasSize(settings.partitions());
            for (var counter : counters.entrySet()) {
              assertThat(value(first, counter.getKey()))
                  .as(counter.getKey())
                  .isEqualTo(counter.getValue());
            }
            assertSagas(first, outcomes);
          });
    }
  }

  private static void write(StackClient client, List<KnowledgeDelta> deltas) {
    for (KnowledgeDelta delta : deltas) {
      client.send(client.records().knowledge(delta));
    }
  }

  private static void writeSagas(StackClient client, Map<String, String> outcomes) {
    ConclaveRecords records = client.records();
    for (int i = 0; i < 12; i++) {
      var script =
          new SagaHistories.Script("task-" + i, 2, Set.of(), i % 4 == 3 ? 1 : -1, Map.of());
      client.submit(new TaskSubmission(script.taskId(), "prompt " + i, SagaHistories.T0));
      for (SagaEvent event : script.events()) {
        client.send(records.sagaEvent(event));
      }
      outcomes.put(script.taskId(), script.outcome().name());
    }
    for (String agent : List.of("research-0", "analysis-1")) {
      for (long seq = 1; seq <= 3; seq++) {
        client.send(
            records.decision(
                new Decision(
                    new DecisionKey(agent, seq),
                    Optional.empty(),
                    Optional.empty(),
                    "note",
                    "{\"n\":" + seq + "}",
                    SagaHistories.T0,
                    Optional.empty(),
                    Optional.empty())));
      }
    }
    for (int shard = 0; shard < 2; shard++) {
      client.send(
          records.leaderElected(
              new LeaderElected(
                  shard, 3 + shard, "member-" + shard, "host-" + shard, SagaHistories.T0)));
    }
  }

  /**
   * The server shows every task with its outcome and prompt, every saga, both leaders and each
   * agent's decisions.
   */
  private static void assertSagas(EmbeddedServer server, Map<String, String> outcomes)
      throws Exception {
    for (var outcome : outcomes.entrySet()) {
      JsonNode task = entry(server, "/tasks/" + outcome.getKey());
      assertThat(task.get("status").asText()).as(outcome.getKey()).isEqualTo(outcome.getValue());
      assertThat(task.get("prompt").asText()).startsWith("prompt ");
      assertThat(task.get("submittedAt").asText()).isEqualTo(SagaHistories.T0.toString());
      assertThat(entry(server, "/sagas/saga-" + outcome.getKey()).get("status").asText())
          .isEqualTo(outcome.getValue());
    }
    List<String> listed = new ArrayList<>();
    json.readTree(get(server, "/sagas?limit=1000").body())
        .forEach(s -> listed.add(s.get("taskId").asText()));
    assertThat(listed).containsExactlyElementsOf(outcomes.keySet());
    List<String> compensated = new ArrayList<>();
    json.readTree(get(server, "/sagas?status=compensated").body())
        .forEach(s -> compensated.add(s.get("taskId").asText()));
    assertThat(compensated).containsExactly("task-11", "task-3", "task-7");
    assertThat(json.readTree(get(server, "/sagas?limit=2").body())).hasSize(2);
    List<Long> epochs = new ArrayList<>();
    json.readTree(get(server, "/leaders").body()).forEach(l -> epochs.add(l.get("epoch").asLong()));
    assertThat(epochs).containsExactly(3L, 4L);
    for (String agent : List.of("research-0", "analysis-1")) {
      JsonNode decisions =
          json.readTree(get(server, "/agents/" + agent + "/decisions?from=2").body());
      assertThat(decisions).as(agent).hasSize(2);
    }
    assertThat(get(server, "/tasks/no-such-task").statusCode()).isEqualTo(404);
  }

  private static EmbeddedServer start(ConclaveSettings settings) throws Exception {
    return TestProjections.start(settings, Map.of());
  }

  /**
   * The partitions this instance reads for a listing (its own, as another instance would ask it).
   */
  private static Set<String> partitions(EmbeddedServer server) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(server, "/knowledge"))
                .header(PeerHttp.FORWARDED, "test")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String header = r.headers().firstValue(PeerHttp.PARTITIONS).orElseThrow();
    return header.isEmpty() ? Set.of() : new HashSet<>(List.of(header.split(",")));
  }

  private static long value(EmbeddedServer server, String key) throws Exception {
    return entry(server, "/knowledge/" + key).get("value").asLong();
  }

  private static long value(EmbeddedServer server, String key, Instant at) throws Exception {
    return entry(server, "/knowledge/" + key + "?at=" + at).get("value").asLong();
  }

  private static JsonNode entry(EmbeddedServer server, String path) throws Exception {
    HttpResponse<String> r = get(server, path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private static HttpResponse<String> get(EmbeddedServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(server, path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(EmbeddedServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }
}
