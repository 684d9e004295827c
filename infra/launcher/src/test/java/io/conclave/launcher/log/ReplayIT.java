package io.conclave.launcher.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.readers.TopicReplay;
import io.conclave.runtime.readers.UnknownTopicException;
import io.conclave.runtime.records.RecordJson;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replaying a topic from an offset or a point in time returns exactly the records at or after it,
 * per partition — through {@link TopicReplay}, {@code GET /admin/topics/{topic}/records} and {@code
 * conclave replay} alike.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayIT {
  private static final ObjectMapper json = new ObjectMapper();
  private static final int PER_PARTITION = 4;
  private static final Comparator<Written> ORDER =
      Comparator.comparingInt(Written::partition).thenComparingLong(Written::offset);

  /** One record as written: where it landed and what it holds. */
  private record Written(int partition, long offset, long timestamp, String key, String taskId) {}

  private ConclaveSettings settings;
  private String topic;
  private Instant base;
  private final List<Written> written = new ArrayList<>();
  private InProcessConclave conclave;
  private StackClient client;
  private Http http;

  @BeforeAll
  void writeRecordsWithKnownTimestamps(ConclaveStack stack) throws Exception {
    settings = stack.isolated("replay");
    topic = settings.topics().tasks();
    // the projections alone: no coordinator, the tasks are only records to replay here
    conclave = InProcessConclave.with(settings).noCoordinator().workers(0).start();
    client = conclave.client();
    http = conclave.http();
    // in the past, one second apart, interleaved across partitions: record i of partition p is at
    // base + 3i + p s
    base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    var values = client.serdes().taskSubmission().serializer();
    for (int i = 0; i < PER_PARTITION; i++) {
      for (int p = 0; p < settings.partitions(); p++) {
        long timestamp = base.plusSeconds(3L * i + p).toEpochMilli();
        String key = "k-" + p + "-" + i;
        String taskId = "t-" + p + "-" + i;
        byte[] value =
            values.serialize(
                topic, new TaskSubmission(taskId, "replay " + i, Instant.ofEpochMilli(timestamp)));
        RecordMetadata at =
            client.send(
                new ProducerRecord<>(
                    topic, p, timestamp, key.getBytes(StandardCharsets.UTF_8), value));
        written.add(new Written(p, at.offset(), timestamp, key, taskId));
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    conclave.close();
  }

  @Test
  void fromAnOffsetEachPartitionGivesExactlyItsRecordsFromThere() {
    // when
    List<Written> read = replay(TopicReplay.Request.of(topic, new LogPosition.Offset(2)));

    // then
    assertThat(read).containsExactlyElementsOf(expected(w -> w.offset() >= 2));
    assertThat(read).hasSize(2 * settings.partitions());
  }

  @Test
  void fromATimeEachPartitionGivesExactlyItsRecordsAtOrAfterIt() {
    // given: a time that is exactly a record's timestamp (partition 1, record 1) ...
    Instant onARecord = base.plusSeconds(4);
    // ... and one between records, which cuts each partition at a different offset
    Instant between = base.plusMillis(4_500);

    // then
    assertThat(replay(TopicReplay.Request.of(topic, new LogPosition.Time(onARecord))))
        .containsExactlyElementsOf(expected(w -> w.timestamp() >= onARecord.toEpochMilli()))
        .contains(written(1, 1));
    List<Written> afterBetween =
        replay(TopicReplay.Request.of(topic, new LogPosition.Time(between)));
    assertThat(afterBetween)
        .containsExactlyElementsOf(expected(w -> w.timestamp() >= between.toEpochMilli()));
    assertThat(afterBetween.stream().filter(w -> w.partition() == 2).map(Written::offset))
        .containsExactly(1L, 2L, 3L);
    assertThat(afterBetween.stream().filter(w -> w.partition() == 0).map(Written::offset))
        .containsExactly(2L, 3L);
    assertThat(
            replay(
                TopicReplay.Request.of(topic, new LogPosition.Time(base.plus(Duration.ofDays(1))))))
        .isEmpty();
  }

  @Test
  void onePartitionAndAMaximumNarrowTheReplay() {
    // then
    assertThat(replay(TopicReplay.Request.of(topic, new LogPosition.Offset(1)).withPartition(1)))
        .containsExactlyElementsOf(expected(w -> w.partition() == 1 && w.offset() >= 1));
    List<Written> five = replay(TopicReplay.Request.of(topic, LogPosition.beginning()).withMax(5));
    assertThat(five).hasSize(5);
    // whatever the interleaving, each partition's part is a prefix of it
    five.forEach(
        w ->
            assertThat(
                    five.stream().filter(o -> o.partition() == w.partition()).map(Written::offset))
                .contains(w.offset() == 0 ? 0L : w.offset() - 1));
    assertThatThrownBy(
            () -> replay(TopicReplay.Request.of(topic, LogPosition.beginning()).withPartition(99)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(topic + " has no partition 99");
    assertThatThrownBy(
            () -> replay(TopicReplay.Request.of(topic + "-nope", LogPosition.beginning())))
        .isInstanceOf(UnknownTopicException.class)
        .hasMessage("no topic named " + topic + "-nope");
  }

  @Test
  void theHttpEndpointAnswersTheSameRecordsDecodedWithTheRegistry() throws Exception {
    // when
    JsonNode fromOffset = records("/admin/topics/tasks/records?fromOffset=2");
    Instant between = base.plusMillis(4_500);
    JsonNode fromTime =
        records("/admin/topics/" + topic + "/records?fromTime=" + between + "&max=1000");
    JsonNode onePartition = records("/admin/topics/tasks/records?partition=1&fromOffset=1");

    // then
    assertThat(parse(fromOffset)).containsExactlyElementsOf(expected(w -> w.offset() >= 2));
    assertThat(parse(fromTime))
        .containsExactlyElementsOf(expected(w -> w.timestamp() >= between.toEpochMilli()));
    assertThat(parse(onePartition))
        .containsExactlyElementsOf(expected(w -> w.partition() == 1 && w.offset() >= 1));
    assertThat(records("/admin/topics/tasks/records?max=5")).hasSize(5);
    JsonNode first = onePartition.get(0);
    assertThat(first.get("topic").asText()).isEqualTo(topic);
    assertThat(first.get("timestamp").asText())
        .isEqualTo(Instant.ofEpochMilli(written(1, 1).timestamp()).toString());
    assertThat(first.get("value").get("prompt").asText()).isEqualTo("replay 1");
    // the same objects as the replay CLI prints, and as RecordJson makes
    var recordJson = new RecordJson(client.serdes());
    List<String> direct = new ArrayList<>();
    TopicReplay.read(
        settings.kafka(),
        TopicReplay.Request.of(topic, new LogPosition.Offset(1)).withPartition(1),
        r -> true,
        r -> direct.add(recordJson.toJson(r).toString()));
    List<String> overHttp = new ArrayList<>();
    onePartition.forEach(n -> overHttp.add(n.toString()));
    assertThat(overHttp).isEqualTo(direct);
    Cli.Result cli = Cli.run(settings, "replay", "tasks", "--partition", "1", "--from-offset", "1");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).isEqualTo(direct);
  }

  @Test
  void theCliTellsItsProgressOnStandardErrorAndAnswersOneJsonDocumentWithJson() throws Exception {
    // given: what the replay holds
    var recordJson = new RecordJson(client.serdes());
    List<String> direct = new ArrayList<>();
    TopicReplay.read(
        settings.kafka(),
        TopicReplay.Request.of(topic, new LogPosition.Offset(1)),
        r -> true,
        r -> direct.add(recordJson.toJson(r).toString()));
    int partitions = settings.partitions();
    int records = (PER_PARTITION - 1) * partitions;
    String done =
        "replay: done: "
            + records
            + " records of "
            + partitions
            + " partitions of "
            + topic
            + " read, "
            + records
            + " printed";

    // when
    Cli.Result lines = Cli.run(settings, "replay", "tasks", "--from-offset", "1");
    Cli.Result document = Cli.run(settings, "replay", "tasks", "--from-offset", "1", "--json");
    Cli.Result quiet = Cli.run(settings, "replay", "tasks", "--from-offset", "1", "--quiet");

    // then: standard output holds the records only, standard error how far the replay went
    assertThat(lines.exitCode()).as(lines.err()).isZero();
    assertThat(lines.out())
        .hasSize(records)
        .allSatisfy(l -> assertThat(json.readTree(l).path("topic").asText()).isEqualTo(topic));
    List<String> progress = lines.err().lines().filter(l -> l.startsWith("replay: ")).toList();
    assertThat(progress).last().isEqualTo(done);
    assertThat(progress.get(0))
        .matches(
            "replay: \\d+ / "
                + records
                + " records \\(\\d+ %\\), \\d of "
                + partitions
                + " partitions read, \\d+ printed");
    // and the same records in one document, with the replay's summary
    assertThat(document.exitCode()).as(document.err()).isZero();
    assertThat(document.out()).hasSize(1);
    JsonNode answer = json.readTree(document.out().get(0));
    assertThat(answer.path("topic").asText()).isEqualTo(topic);
    assertThat(answer.path("from").asText()).isEqualTo("offset 1");
    assertThat(answer.path("count").asInt()).isEqualTo(records);
    assertThat(answer.path("partitions").asInt()).isEqualTo(partitions);
    List<String> listed = new ArrayList<>();
    answer.path("records").forEach(r -> listed.add(r.toString()));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(direct);
    assertThat(lines.out()).containsExactlyInAnyOrderElementsOf(direct);
    assertThat(document.err()).contains(done);
    // and --quiet: the same records, no progress
    assertThat(quiet.exitCode()).as(quiet.err()).isZero();
    assertThat(quiet.out()).containsExactlyInAnyOrderElementsOf(lines.out());
    assertThat(quiet.err()).doesNotContain("replay: ");
  }

  @Test
  void badQueriesAreAnsweredWithA400OrA404ThatSaysWhy() throws Exception {
    assertError(
        http.get("/admin/topics/tasks/records?fromOffset=x"),
        400,
        "fromOffset must be a whole number");
    assertError(
        http.get("/admin/topics/tasks/records?fromOffset=1&fromTime=" + base),
        400,
        "give fromOffset or fromTime, not both");
    assertError(
        http.get("/admin/topics/tasks/records?fromTime=yesterday"),
        400,
        "fromTime must be an ISO-8601");
    assertError(http.get("/admin/topics/tasks/records?max=0"), 400, "max must be >= 1");
    assertError(
        http.get("/admin/topics/tasks/records?partition=7"), 400, topic + " has no partition 7");
    assertError(
        http.get("/admin/topics/nope/records"),
        404,
        "no topic named " + settings.topics().prefix() + ".nope");
    assertError(http.get("/admin/topics/a%20b/records"), 400, "a topic name may only contain");
  }

  private JsonNode records(String path) throws Exception {
    HttpResponse<String> r = http.get(path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode array = json.readTree(r.body());
    assertThat(array.isArray()).isTrue();
    return array;
  }

  private static void assertError(HttpResponse<String> r, int status, String message)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(json.readTree(r.body()).get("message").asText()).startsWith(message);
  }

  private List<Written> replay(TopicReplay.Request request) {
    List<Written> read = new ArrayList<>();
    var keys = StandardCharsets.UTF_8;
    var values = client.serdes().taskSubmission().deserializer();
    TopicReplay.read(
        settings.kafka(),
        request,
        r -> true,
        r ->
            read.add(
                new Written(
                    r.partition(),
                    r.offset(),
                    r.timestamp(),
                    new String(r.key(), keys),
                    values.deserialize(r.topic(), r.value()).taskId())));
    read.sort(ORDER);
    return read;
  }

  private static List<Written> parse(JsonNode array) {
    List<Written> read = new ArrayList<>();
    array.forEach(
        n ->
            read.add(
                new Written(
                    n.get("partition").asInt(),
                    n.get("offset").asLong(),
                    Instant.parse(n.get("timestamp").asText()).toEpochMilli(),
                    n.get("key").asText(),
                    n.get("value").get("taskId").asText())));
    read.sort(ORDER);
    return read;
  }

  private List<Written> expected(Predicate<Written> which) {
    return written.stream().filter(which).sorted(ORDER).toList();
  }

  private Written written(int partition, long offset) {
    return written.stream()
        .filter(w -> w.partition() == partition && w.offset() == offset)
        .findFirst()
        .orElseThrow();
  }
}
