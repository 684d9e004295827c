package io.conclave.projections.http;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.projections.runtime.TestProjections;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Backpressure against a real broker and registry: with a bound of one record, tasks that a stopped
 * coordinator group has not consumed make {@code POST /tasks} and {@code POST /sagas} answer 503
 * with a {@code Retry-After} and write nothing; once the group has consumed them, a submission is
 * accepted again.
 */
@ExtendWith(ConclaveStackExtension.class)
class BackpressureIT {
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final String TOKEN = "backpressure-it-writer-token";
  private static final Pattern BACKLOG =
      Pattern.compile("(?m)^conclave_backlog_records(?:\\{[^}]*})? (\\S+)$");

  @Test
  void submissionsAreRefusedWhileTheBacklogIsOverTheBound(ConclaveStack stack) throws Exception {
    // given: three tasks on conclave.tasks, and a coordinator group stopped with its offsets at the
    // beginning
    ConclaveSettings settings = stack.isolated("backpressure");
    String tasks = settings.topics().tasks();
    try (StackClient client = new StackClient(settings)) {
      for (int i = 0; i < 3; i++) {
        client.submit("waiting-" + i, "prompt " + i);
      }
    }
    List<TopicPartition> partitions =
        IntStream.range(0, settings.partitions())
            .mapToObj(p -> new TopicPartition(tasks, p))
            .toList();
    try (Admin admin = stack.admin()) {
      commit(
          admin,
          settings.topics().coordinatorGroup(),
          partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> 0L)));

      // and: projections that accept at most one waiting record
      try (EmbeddedServer server = start(settings, 1)) {
        eventually(() -> assertThat(backlog(server)).isEqualTo(3));

        // when: a task and a saga are submitted
        HttpResponse<String> task =
            post(server, "/tasks", "{\"taskId\":\"refused\",\"prompt\":\"p\"}");
        HttpResponse<String> saga =
            post(
                server,
                "/sagas",
                "{\"taskId\":\"refused-saga\",\"prompt\":\"p\",\"steps\":[{\"agentType\":\"research\",\"action\":\"gather\"}]}");

        // then: both are refused, saying why and when to come back, and nothing was written
        for (HttpResponse<String> refused : List.of(task, saga)) {
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
          assertThat(refused.headers().firstValue("Retry-After")).hasValue("3");
          JsonNode body = json.readTree(refused.body());
          assertThat(body.get("status").asInt()).isEqualTo(503);
          assertThat(body.get("message").asText())
              .contains("3 records", "bound of 1", "nothing was written");
        }
        assertThat(ends(admin, partitions)).as("records on " + tasks).isEqualTo(3);

        // when: the coordinators have consumed everything
        commit(admin, settings.topics().coordinatorGroup(), endOffsets(admin, partitions));
        eventually(() -> assertThat(backlog(server)).isZero());

        // then: a submission is accepted and written
        HttpResponse<String> accepted =
            post(server, "/tasks", "{\"taskId\":\"accepted\",\"prompt\":\"p\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(ends(admin, partitions)).isEqualTo(4);
      }
    }
  }

  private static void commit(Admin admin, String group, Map<TopicPartition, Long> offsets)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    offsets.forEach((tp, offset) -> committed.put(tp, new OffsetAndMetadata(offset)));
    admin.alterConsumerGroupOffsets(group, committed).all().get();
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, List<TopicPartition> partitions)
      throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /**
   * How many records the topic's partitions hold: the client above writes no transaction markers.
   */
  private static long ends(Admin admin, List<TopicPartition> partitions) throws Exception {
    return endOffsets(admin, partitions).values().stream().mapToLong(Long::longValue).sum();
  }

  /** The backlog the server last measured, from its gauge. */
  private static long backlog(EmbeddedServer server) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(server, "/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = BACKLOG.matcher(r.body());
    assertThat(m.find()).as(r.body()).isTrue();
    assertThat(m.group(1)).as("measured").isNotEqualTo("NaN");
    return (long) Double.parseDouble(m.group(1));
  }

  private static HttpResponse<String> post(EmbeddedServer server, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(server, path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static EmbeddedServer start(ConclaveSettings settings, long maxBacklog) throws Exception {
    return TestProjections.start(
        settings,
        Map.of(
            "conclave.security.tokens",
            "it:writer:" + TOKEN,
            "conclave.api.max-backlog",
            maxBacklog,
            "conclave.api.backlog-refresh-ms",
            100));
  }

  private static URI uri(EmbeddedServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }
}
