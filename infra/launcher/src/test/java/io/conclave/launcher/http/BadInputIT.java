package io.conclave.launcher.http;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.loop.DeadLetters;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Conclave does with input it cannot use, on a real broker and registry: unknown ids are 404
 * with a JSON message naming them, projections that are not ready are 503 with Retry-After, and
 * records on conclave.tasks that cannot be read or break a domain rule go to the dead-letter topic
 * while the coordinator carries on with the records after them. Malformed and invalid requests,
 * whose 400 needs no broker, are tested in the projections module (TaskSubmissionHttpTest,
 * DecisionRangeHttpTest).
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private static final ObjectMapper json = new ObjectMapper();

  private ConclaveSettings settings;
  private ConclaveSerdes serdes;
  private InProcessConclave conclave;
  private StackClient client;
  private Http http;

  @BeforeAll
  void start(ConclaveStack stack) throws Exception {
    settings = stack.isolated("bad-input");
    conclave = InProcessConclave.with(settings).workers(1).start();
    client = conclave.client();
    serdes = client.serdes();
    http = conclave.http();
  }

  @AfterAll
  void stop() throws Exception {
    if (conclave != null) {
      conclave.close();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // GET

  @Test
  void anUnknownTaskIsNotFoundNamingItsId() throws Exception {
    // When
    HttpResponse<String> r = getOnceReady("/tasks/unknown-id");

    // Then
    assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
    assertJsonContentType(r);
    assertThat(message(r)).contains("unknown-id");
  }

  @Test
  void anAgentWithoutDecisionsIsNotFound() throws Exception {
    // When
    HttpResponse<String> r = getOnceReady("/agents/nobody/decisions");

    // Then
    assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
    assertJsonContentType(r);
    assertThat(message(r)).contains("nobody");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // dead letters

  @Test
  void anUnreadableTaskRecordIsDeadLetteredAndTheShardCarriesOn() throws Exception {
    // Given: garbage on conclave.tasks
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    RecordMetadata poison =
        produceRaw(new ProducerRecord<>(settings.topics().tasks(), utf8("poison-1"), garbage));
    assertThat(poison.partition()).isEqualTo(Partitioning.of("poison-1", settings.partitions()));

    // When: a valid task behind it on the same shard
    String taskId = idOnPartition("after-poison", poison.partition());
    HttpResponse<String> accepted =
        http.postJson(
            "/tasks", "{\"taskId\":\"" + taskId + "\",\"prompt\":\"Survive the poison\"}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

    // Then
    Map<String, String> headers = new HashMap<>();
    long[] deadLetterOffset = new long[1];
    DeadLetter letter =
        awaitDeadLetter(
            settings,
            d ->
                d.sourceTopic().equals(settings.topics().tasks())
                    && d.sourcePartition() == poison.partition()
                    && d.sourceOffset() == poison.offset(),
            headers,
            deadLetterOffset);
    assertThat(letter.errorClass()).isNotBlank();
    assertThat(letter.errorMessage())
        .contains("must start with the schema registry's frame", "0x6e");
    assertThat(letter.key()).isEqualTo(utf8("poison-1"));
    assertThat(letter.value()).isEqualTo(garbage);
    assertThat(letter.at()).isBefore(Instant.now().plusSeconds(1));
    assertThat(headers)
        .containsEntry(DeadLetters.SOURCE_TOPIC, settings.topics().tasks())
        .containsEntry(DeadLetters.SOURCE_PARTITION, Integer.toString(poison.partition()))
        .containsEntry(DeadLetters.SOURCE_OFFSET, Long.toString(poison.offset()))
        .containsEntry(DeadLetters.EXCEPTION_CLASS, letter.errorClass())
        .containsEntry(DeadLetters.EXCEPTION_MESSAGE, letter.errorMessage());

    // and GET /dead-letters lists it, with the poison as it was
    HttpResponse<String> listed = http.get("/dead-letters?max=1000");
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    JsonNode view = null;
    for (JsonNode d : json.readTree(listed.body())) {
      if (d.path("sourceTopic").asText().equals(settings.topics().tasks())
          && d.path("sourceOffset").asLong() == poison.offset()
          && d.path("sourcePartition").asInt() == poison.partition()) {
        view = d;
      }
    }
    assertThat(view).as(listed.body()).isNotNull();
    assertThat(view.path("errorClass").asText()).isEqualTo(letter.errorClass());
    assertThat(view.path("key").asText()).isEqualTo("poison-1");
    assertThat(Base64.getDecoder().decode(view.path("valueBase64").asText())).isEqualTo(garbage);
    assertThat(view.path("offset").asLong()).isEqualTo(deadLetterOffset[0]);
    assertThat(http.get("/dead-letters?max=zero").statusCode()).isEqualTo(400);

    // and a re-drive writes the record back where it came from, where the shard reads it again
    // (still garbage here, so it is dead-lettered again, from its new offset) (--json: the same as
    // the text, as one line of JSON)
    Cli.Result redrive =
        Cli.run(settings, "dead-letters", "redrive", Long.toString(deadLetterOffset[0]), "--json");
    assertThat(redrive.exitCode()).as(redrive.err()).isZero();
    assertThat(redrive.out()).hasSize(1);
    JsonNode redriven = json.readTree(redrive.out().get(0));
    assertThat(redriven.path("deadLetter").asText())
        .isEqualTo(settings.topics().deadLetters() + "-0@" + deadLetterOffset[0]);
    assertThat(redriven.path("errorClass").asText()).isEqualTo(letter.errorClass());
    assertThat(redriven.path("topic").asText()).isEqualTo(settings.topics().tasks());
    assertThat(redriven.path("partition").asInt()).isEqualTo(poison.partition());
    long again = redriven.path("offset").asLong();
    assertThat(again).isGreaterThan(poison.offset());
    DeadLetter second =
        awaitDeadLetter(
            d ->
                d.sourceTopic().equals(settings.topics().tasks())
                    && d.sourcePartition() == poison.partition()
                    && d.sourceOffset() == again);
    assertThat(second.key()).isEqualTo(utf8("poison-1"));
    assertThat(second.value()).isEqualTo(garbage);
    Cli.Result missing = Cli.run(settings, "dead-letters", "redrive", "999999", "--json");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err())
        .contains("no dead letter at " + settings.topics().deadLetters() + "-0@999999");

    http.awaitTaskStatus(taskId, "COMPLETED");
    String id = taskId;
    eventually(
        () ->
            assertThat(json.readTree(http.get("/tasks/" + id).body()).path("prompt").asText())
                .isEqualTo("Survive the poison"));
  }

  @Test
  void anUnreadableRecordOnlyTheProjectionsConsumeIsDeadLetteredOnceAndTheyCarryOn()
      throws Exception {
    // Given: garbage on the decisions and on the leadership announcements, topics no loop consumes
    // (workers read their own decisions back when they take a partition over, and skip what they
    // cannot read)
    byte[] garbage = "not avro either".getBytes(StandardCharsets.UTF_8);
    RecordMetadata decision =
        produceRaw(new ProducerRecord<>(settings.topics().decisions(), 0, garbage, garbage));
    RecordMetadata leadership =
        produceRaw(
            new ProducerRecord<>(settings.topics().leadership(), 0, utf8("poison"), garbage));

    // Then: the projections dead-letter each, with where it came from
    for (RecordMetadata poison : List.of(decision, leadership)) {
      Map<String, String> headers = new HashMap<>();
      DeadLetter letter =
          awaitDeadLetter(
              settings,
              d ->
                  d.sourceTopic().equals(poison.topic())
                      && d.sourcePartition() == poison.partition()
                      && d.sourceOffset() == poison.offset(),
              headers,
              new long[1]);
      assertThat(letter.value()).isEqualTo(garbage);
      assertThat(headers)
          .containsEntry(DeadLetters.SOURCE_TOPIC, poison.topic())
          .containsEntry(DeadLetters.SOURCE_OFFSET, Long.toString(poison.offset()));
    }

    // and carry on: a task after them is served, its decisions too, and each poison was
    // dead-lettered once
    String taskId = idOnPartition("after-projection-poison", 0);
    assertThat(
            http.postJson("/tasks", "{\"taskId\":\"" + taskId + "\",\"prompt\":\"Read on\"}")
                .statusCode())
        .isEqualTo(202);
    http.awaitTaskStatus(taskId, "COMPLETED");
    List<DeadLetter> all = client.deadLetters();
    for (RecordMetadata poison : List.of(decision, leadership)) {
      assertThat(all)
          .filteredOn(
              d ->
                  d.sourceTopic().equals(poison.topic())
                      && d.sourcePartition() == poison.partition()
                      && d.sourceOffset() == poison.offset())
          .hasSize(1);
    }
  }

  @Test
  void aTaskRecordWhoseKeyIsNotItsTaskIdIsDeadLettered() throws Exception {
    // Given: a readable TaskSubmission, keyed by something other than its task id
    String topic = settings.topics().tasks();
    TaskSubmission task = new TaskSubmission("keyed-wrong", "Wrong key", Instant.now());
    byte[] value = serdes.taskSubmission().serializer().serialize(topic, task);

    // When
    RecordMetadata wrong = produceRaw(new ProducerRecord<>(topic, utf8("other-key"), value));

    // Then
    DeadLetter letter =
        awaitDeadLetter(
            d ->
                d.sourceTopic().equals(topic)
                    && d.sourcePartition() == wrong.partition()
                    && d.sourceOffset() == wrong.offset());
    assertThat(letter.errorClass()).isNotBlank();
    assertThat(letter.errorMessage()).contains("key").contains("other-key").contains("keyed-wrong");
    assertThat(letter.key()).isEqualTo(utf8("other-key"));
    assertThat(letter.value()).isEqualTo(value);

    // and no saga was started for it: a valid task on the same shard completes, the wrongly keyed
    // one never starts
    String next = idOnPartition("after-wrong-key", wrong.partition());
    assertThat(
            http.postJson("/tasks", "{\"taskId\":\"" + next + "\",\"prompt\":\"Carry on\"}")
                .statusCode())
        .isEqualTo(202);
    http.awaitTaskStatus(next, "COMPLETED");
    HttpResponse<String> wrongTask = http.get("/tasks/keyed-wrong");
    if (wrongTask.statusCode() == 200) {
      assertThat(
              json.readTree(wrongTask.body()).path("sagaId").isMissingNode()
                  || json.readTree(wrongTask.body()).path("sagaId").isNull())
          .as(wrongTask.body())
          .isTrue();
    } else {
      assertThat(wrongTask.statusCode()).as(wrongTask.body()).isEqualTo(404);
    }
  }

  @Test
  void aTombstoneOnTheTasksTopicIsSkippedAndTheShardCarriesOn(ConclaveStack stack)
      throws Exception {
    // Given: an installation of its own, so that whatever the tombstone does cannot spill into the
    // other tests
    ConclaveSettings own = stack.isolated("bad-input-tombstone");
    try (InProcessConclave installation = InProcessConclave.with(own).workers(1).start()) {
      Http ownHttp = new Http(installation.baseUrl());
      String topic = own.topics().tasks();

      // When: a tombstone (null value) for some key, then a valid task behind it on the same shard
      RecordMetadata tombstone =
          installation.client().send(new ProducerRecord<>(topic, utf8("erased-1"), null));
      String taskId = "after-tombstone-0";
      for (int i = 1; Partitioning.of(taskId, own.partitions()) != tombstone.partition(); i++) {
        taskId = "after-tombstone-" + i;
      }
      HttpResponse<String> accepted =
          ownHttp.postJson(
              "/tasks", "{\"taskId\":\"" + taskId + "\",\"prompt\":\"Outlive the tombstone\"}");
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

      // Then: a tombstone erases a key of the compacted topic; coordinator and projections go on
      ownHttp.awaitTaskStatus(taskId, "COMPLETED");
      assertThat(ownHttp.get("/tasks/erased-1").statusCode()).isEqualTo(404);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // projections not ready

  @Test
  void projectionsWhoseTopicsDoNotExistAnswerServiceUnavailableWithRetryAfter() throws Exception {
    // Given: a projections server for an installation whose topics were never provisioned
    ConclaveSettings nowhere =
        settings.withTopicPrefix("nothing-here-" + UUID.randomUUID().toString().substring(0, 8));
    try (EmbeddedServer server = InProcessConclave.startProjections(nowhere)) {
      Http other = new Http("http://127.0.0.1:" + server.getPort());

      // When: asked right away, and again once Streams has had time to find out that its topics are
      // missing
      List<HttpResponse<String>> answers = new ArrayList<>();
      answers.add(other.get("/tasks/anything"));
      Thread.sleep(3_000);
      answers.add(other.get("/tasks/anything"));
      answers.add(other.get("/agents/anyone/decisions"));

      // Then: every answer is reported, so that the first failure does not hide the others
      SoftAssertions softly = new SoftAssertions();
      for (HttpResponse<String> r : answers) {
        String what =
            "GET "
                + r.uri().getPath()
                + " -> "
                + r.statusCode()
                + " "
                + r.headers().map()
                + " "
                + r.body();
        softly.assertThat(r.statusCode()).as(what).isEqualTo(503);
        softly.assertThat(r.headers().firstValue("Retry-After")).as(what).isPresent();
        softly
            .assertThat(r.headers().firstValue("Content-Type"))
            .as(what)
            .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        softly.assertThat(json.readTree(r.body()).path("status").asInt()).as(what).isEqualTo(503);
        softly.assertThat(json.readTree(r.body()).path("message").asText()).as(what).isNotBlank();
      }
      softly.assertAll();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private RecordMetadata produceRaw(ProducerRecord<byte[], byte[]> record) {
    return client.send(record);
  }

  /** A fresh task id that Kafka's default partitioner puts on {@code partition}. */
  private String idOnPartition(String stem, int partition) {
    for (int i = 0; ; i++) {
      String id = stem + "-" + i;
      if (Partitioning.of(id, settings.partitions()) == partition) {
        return id;
      }
    }
  }

  /**
   * Reads the dead-letter topic (read_committed, from the beginning) until a letter matches. A
   * consumer of its own, not the client: the tests check the letter's offset and headers too.
   */
  private DeadLetter awaitDeadLetter(Predicate<DeadLetter> wanted) {
    return awaitDeadLetter(settings, wanted, new HashMap<>(), new long[1]);
  }

  /**
   * The first dead letter {@code wanted}; {@code headers} gets its record's headers as text, {@code
   * at} its offset.
   */
  private DeadLetter awaitDeadLetter(
      ConclaveSettings settings,
      Predicate<DeadLetter> wanted,
      Map<String, String> headers,
      long[] at) {
    String topic = settings.topics().deadLetters();
    Deserializer<DeadLetter> reader = serdes.deadLetter().deserializer();
    List<DeadLetter> seen = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<byte[], byte[]>(ClientConfigs.consumer(settings.kafka(), null))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      DeadLetter[] found = new DeadLetter[1];
      eventually(
          () -> {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
              DeadLetter d = reader.deserialize(topic, r.value());
              seen.add(d);
              if (found[0] == null && wanted.test(d)) {
                found[0] = d;
                at[0] = r.offset();
                r.headers()
                    .forEach(
                        h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
              }
            }
            assertThat(found[0]).as("a matching dead letter among " + seen).isNotNull();
          });
      return found[0];
    }
  }

  /** The answer to a query once the projections have started (they answer 503 until then). */
  private HttpResponse<String> getOnceReady(String path) {
    List<HttpResponse<String>> last = new ArrayList<>();
    eventually(
        () -> {
          HttpResponse<String> r = http.get(path);
          last.clear();
          last.add(r);
          assertThat(r.statusCode()).as(r.body()).isNotEqualTo(503);
        });
    return last.get(0);
  }

  private static void assertJsonContentType(HttpResponse<String> r) {
    Optional<String> type = r.headers().firstValue("Content-Type");
    assertThat(type)
        .as("Content-Type of " + r.uri() + " -> " + r.body())
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
  }

  /** The {@code message} of a Conclave {@code ApiError} body. */
  private static String message(HttpResponse<String> r) throws IOException {
    JsonNode body = json.readTree(r.body());
    assertThat(body.path("message").isTextual()).as("a message in " + r.body()).isTrue();
    return body.get("message").asText();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
