package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.saga.CompensateCommand;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.RoutingSlip;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import io.conclave.model.saga.StepCommand;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.runtime.topics.TopicNames;
import io.conclave.schemas.avro.TaskSubmitted;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every domain record survives the trip through the Apicurio Avro serde and a real registry, its
 * schema is registered under the topic's artifact, and the bytes travel through a real broker.
 */
@ExtendWith(ConclaveStackExtension.class)
class SchemaRegistryIT {
  /** Avro timestamp-millis keeps milliseconds only, so every instant here has none finer. */
  private static final Instant T0 = Instant.ofEpochMilli(1_714_558_530_123L);

  private static final Duration POLL_LIMIT = Duration.ofSeconds(30);
  private static final Pattern ARTIFACT_ID =
      Pattern.compile("\"id\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");

  private static final List<SagaStep> PLAN =
      List.of(
          new SagaStep("research", "search", "llamas in Peru", "forget-search"),
          new SagaStep("analysis", "compare", "", "forget-comparison"),
          new SagaStep("write", "draft", "résumé ✓ 日本語", "delete-draft"));
  private static final RoutingSlip SLIP = new RoutingSlip("saga-1", "task-1", PLAN, 1);
  private static final LeaderStamp LEADER = new LeaderStamp(2, 7L);

  private static ConclaveSettings settings;
  private static String registryUrl;

  @BeforeAll
  static void namespace(ConclaveStack stack) {
    settings = stack.isolated("schema-registry");
    registryUrl = stack.registryUrl();
  }

  /**
   * One record to round-trip: how to get its serde, which topic it belongs on, and whether it is a
   * key.
   */
  record Case<T>(
      String name,
      Function<ConclaveSerdes, Serde<T>> serde,
      Function<TopicNames, String> topic,
      boolean isKey,
      T value) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case<?>> cases() {
    return Stream.of(
        new Case<>(
            "TaskSubmission",
            ConclaveSerdes::taskSubmission,
            TopicNames::tasks,
            false,
            new TaskSubmission("task-1", "Write about llamas — in 日本語 too", T0)),
        new Case<>(
            "TaskSubmission of a tenant",
            ConclaveSerdes::taskSubmission,
            TopicNames::tasks,
            false,
            new TaskSubmission("task-2", "Count the llamas", T0, Optional.empty(), "acme")),
        new Case<>(
            "StepCommand",
            ConclaveSerdes::stepCommand,
            t -> t.commands("analysis"),
            false,
            new StepCommand(SLIP, "output of research", 2, LEADER, T0.plusMillis(1))),
        new Case<>(
            "StepCommand with a budget",
            ConclaveSerdes::stepCommand,
            t -> t.commands("analysis"),
            false,
            new StepCommand(
                new RoutingSlip(
                    "saga-1",
                    "task-1",
                    "why?",
                    PLAN,
                    1,
                    Map.of(0, "sources"),
                    Map.of(),
                    new Spending("acme", OptionalLong.of(5000), Map.of(0, 1234L))),
                "sources",
                0,
                LEADER,
                T0)),
        new Case<>(
            "CompensateCommand",
            ConclaveSerdes::compensateCommand,
            t -> t.compensations("research"),
            false,
            new CompensateCommand(SLIP, 0, "analysis failed", 0, LEADER, T0.plusMillis(2))),
        new Case<>(
            "SagaEvent.Started",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.Started("saga-1", "task-1", SagaEvent.Seq.started(), PLAN, LEADER, T0)),
        new Case<>(
            "SagaEvent.Started with a budget",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.Started(
                "saga-1",
                "task-1",
                SagaEvent.Seq.started(),
                PLAN,
                "why?",
                LEADER,
                T0,
                Spending.limited("acme", 5000))),
        new Case<>(
            "SagaEvent.DispatchHeld",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.DispatchHeld("saga-1", "task-1", 0, "research", T0)),
        new Case<>(
            "SagaEvent.DispatchReleased",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.DispatchReleased("saga-1", "task-1", 0, "research", T0.plusMillis(9))),
        new Case<>(
            "SagaEvent.StepCompleted with its tokens",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.StepCompleted(
                "saga-1",
                "task-1",
                SagaEvent.Seq.step(0),
                0,
                "research",
                "found 3 llamas",
                T0.plusMillis(3),
                1234)),
        new Case<>(
            "SagaEvent.StepCompleted",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.StepCompleted(
                "saga-1",
                "task-1",
                SagaEvent.Seq.step(0),
                0,
                "research",
                "found 3 llamas",
                T0.plusMillis(3))),
        new Case<>(
            "SagaEvent.StepCompleted with empty output",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.StepCompleted(
                "saga-1", "task-1", SagaEvent.Seq.step(1), 1, "analysis", "", T0.plusMillis(4))),
        new Case<>(
            "SagaEvent.StepFailed",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.StepFailed(
                "saga-1",
                "task-1",
                SagaEvent.Seq.step(2),
                2,
                "write",
                "LLM refused",
                T0.plusMillis(5))),
        new Case<>(
            "SagaEvent.Compensated",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.Compensated(
                "saga-1",
                "task-1",
                SagaEvent.Seq.compensated(3, 1),
                1,
                "analysis",
                T0.plusMillis(6))),
        new Case<>(
            "SagaEvent.Completed",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.Completed("saga-2", "task-2", SagaEvent.Seq.end(3), T0.plusMillis(7))),
        new Case<>(
            "SagaEvent.Aborted",
            ConclaveSerdes::sagaEvent,
            TopicNames::sagaEvents,
            false,
            new SagaEvent.Aborted(
                "saga-1", "task-1", SagaEvent.Seq.end(3), "step 2 failed", T0.plusMillis(8))),
        new Case<>(
            "Decision with every optional field",
            ConclaveSerdes::decision,
            TopicNames::decisions,
            false,
            new Decision(
                new DecisionKey("planner-1", 41),
                Optional.of("saga-1"),
                Optional.of(2),
                "STEP_RESULT",
                "{\"text\":\"ok\"}",
                T0.plusMillis(9),
                Optional.of(7L))),
        new Case<>(
            "Decision without optional fields",
            ConclaveSerdes::decision,
            TopicNames::decisions,
            false,
            new Decision(
                new DecisionKey("planner-1", 0),
                Optional.empty(),
                Optional.empty(),
                "PLAN",
                "",
                T0.plusMillis(10),
                Optional.empty())),
        new Case<>(
            "DecisionKey as key",
            ConclaveSerdes::decisionKey,
            TopicNames::decisions,
            true,
            new DecisionKey("planner-1", Long.MAX_VALUE)),
        new Case<>(
            "LeaderElected",
            ConclaveSerdes::leaderElected,
            TopicNames::leadership,
            false,
            new LeaderElected(2, 7L, "coordinator-a", "10.0.0.5", T0.plusMillis(11))),
        new Case<>(
            "DeadLetter with key and value bytes",
            ConclaveSerdes::deadLetter,
            TopicNames::deadLetters,
            false,
            new DeadLetter(
                "conclave.tasks",
                1,
                42L,
                "org.apache.kafka.common.errors.SerializationException",
                "unknown magic byte",
                new byte[] {0, 1, (byte) 0xFF},
                new byte[] {(byte) 0x80, 0, 0, 0, 9, 0x7F},
                T0.plusMillis(12))),
        new Case<>(
            "DeadLetter without key",
            ConclaveSerdes::deadLetter,
            TopicNames::deadLetters,
            false,
            new DeadLetter(
                "conclave.tasks",
                0,
                0L,
                "java.lang.IllegalArgumentException",
                null,
                null,
                new byte[0],
                T0.plusMillis(13))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aRecordReadsBackEqualAndItsSchemaIsRegisteredUnderItsTopic(Case<?> c) throws Exception {
    roundTrip(c);
  }

  private static <T> void roundTrip(Case<T> c) throws Exception {
    // given
    String topic = c.topic().apply(settings.topics());
    ConclaveSerdes writer = new ConclaveSerdes(new RegistrySettings(registryUrl, true));
    // a second, fresh instance has no cached schema: it must look the writer's schema up by its id
    ConclaveSerdes reader = new ConclaveSerdes(new RegistrySettings(registryUrl, true));

    // when
    byte[] bytes;
    byte[] again;
    T back;
    T backAgain;
    try (Serde<T> out = c.serde().apply(writer);
        Serde<T> in = c.serde().apply(reader)) {
      bytes = out.serializer().serialize(topic, c.value());
      // the second record of a topic is framed without asking the registry serializer
      again = out.serializer().serialize(topic, c.value());
      back = in.deserializer().deserialize(topic, bytes);
      backAgain = in.deserializer().deserialize(topic, again);
    }

    // then
    assertThat(bytes).isNotEmpty();
    assertThat(bytes[0]).as("Apicurio magic byte: the schema id travels in the payload").isZero();
    assertThat(back).isEqualTo(c.value());
    assertThat(again).isEqualTo(bytes);
    assertThat(backAgain).isEqualTo(c.value());
    assertThat(artifactIds()).contains(topic + (c.isKey() ? "-key" : "-value"));
  }

  @Test
  void recordsTravelThroughTheBrokerAndReadBackEqual(ConclaveStack stack) throws Exception {
    // given
    ConclaveSerdes serdes = new ConclaveSerdes(new RegistrySettings(stack.registryUrl(), true));
    String decisions = settings.topics().decisions();
    String tasks = settings.topics().tasks();
    Decision decision =
        new Decision(
            new DecisionKey("planner-9", 3),
            Optional.of("saga-9"),
            Optional.of(0),
            "PLAN",
            "{\"steps\":3}",
            T0,
            Optional.of(11L));
    TaskSubmission task = new TaskSubmission("task-travels", "travel through the broker", T0);
    int decisionPartition = Partitioning.of(decision.agentId(), settings.partitions());

    try (Serde<DecisionKey> keySerde = serdes.decisionKey();
        Serde<Decision> decisionSerde = serdes.decision();
        Serde<TaskSubmission> taskSerde = serdes.taskSubmission()) {
      RecordHeaders headers = new RecordHeaders();
      byte[] key = keySerde.serializer().serialize(decisions, headers, decision.key());
      byte[] value = decisionSerde.serializer().serialize(decisions, headers, decision);
      assertThat(headers.toArray())
          .as("headers are off: the schema id is in the payload")
          .isEmpty();

      // when
      RecordMetadata sentDecision;
      RecordMetadata sentTask;
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(ClientConfigs.producer(stack.kafka()))) {
        sentDecision =
            producer
                .send(new ProducerRecord<>(decisions, decisionPartition, key, value))
                .get(30, TimeUnit.SECONDS);
        // no explicit partition: the producer's default partitioner picks it from the key bytes
        sentTask =
            producer
                .send(
                    new ProducerRecord<>(
                        tasks,
                        task.taskId().getBytes(StandardCharsets.UTF_8),
                        taskSerde.serializer().serialize(tasks, task)))
                .get(30, TimeUnit.SECONDS);
      }
      ConsumerRecord<byte[], byte[]> readDecision = readOne(stack, sentDecision);
      ConsumerRecord<byte[], byte[]> readTask = readOne(stack, sentTask);

      // then
      assertThat(readDecision.key()).isEqualTo(key);
      assertThat(readDecision.value()).isEqualTo(value);
      assertThat(
              keySerde
                  .deserializer()
                  .deserialize(decisions, readDecision.headers(), readDecision.key()))
          .isEqualTo(decision.key());
      assertThat(
              decisionSerde
                  .deserializer()
                  .deserialize(decisions, readDecision.headers(), readDecision.value()))
          .isEqualTo(decision);
      assertThat(taskSerde.deserializer().deserialize(tasks, readTask.value())).isEqualTo(task);
      assertThat(sentTask.partition())
          .as("Partitioning agrees with the producer's default partitioner")
          .isEqualTo(Partitioning.of(task.taskId(), settings.partitions()));
      assertThat(artifactIds())
          .contains(decisions + "-key", decisions + "-value", tasks + "-value");
    }
  }

  @Test
  void aTaskInTheConfluentFramingWithItsCcompatIdReadsBackEqual() throws Exception {
    // given: the id a Confluent client gets for the tasks topic's subject from the registry's
    // Confluent-compatible API, and the bytes it writes with it: byte 0, the 4-byte id, the body
    String tasks = settings.topics().tasks();
    RegistrySettings registry = new RegistrySettings(registryUrl, false);
    HttpResponse<String> latest =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            registry.confluentCompatibleUrl()
                                + "/subjects/"
                                + tasks
                                + "-value/versions/latest"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(latest.statusCode()).as(latest.body()).isEqualTo(200);
    Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(latest.body());
    assertThat(id.find()).as(latest.body()).isTrue();
    TaskSubmission task =
        new TaskSubmission(
            "from-node", "Written by another language", T0, Optional.of(PLAN), "acme");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(Integer.parseInt(id.group(1))).array());
    var encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<>(TaskSubmitted.class).write(AvroMapping.toAvro(task), encoder);
    byte[] confluent = out.toByteArray();

    // then: the task's reader reads it; a 4-byte id the registry never handed out is an error
    // (the consumer dead-letters the record), not a task read with some other schema
    ConclaveSerdes serdes = new ConclaveSerdes(registry);
    try (Serde<TaskSubmission> serde = serdes.taskSubmission()) {
      assertThat(serde.deserializer().deserialize(tasks, confluent)).isEqualTo(task);
      // the tools that print records (tail, replay) read it too
      assertThat(serdes.anyAsJson(false).deserialize(tasks, confluent))
          .contains("\"taskId\": \"from-node\"");
      byte[] unknown = confluent.clone();
      ByteBuffer.wrap(unknown, 1, 4).putInt(987_654);
      assertThatThrownBy(() -> serde.deserializer().deserialize(tasks, unknown))
          .isInstanceOf(RuntimeException.class);
    }
  }

  /** The record at the offset the broker acknowledged, read with Conclave's consumer settings. */
  private static ConsumerRecord<byte[], byte[]> readOne(ConclaveStack stack, RecordMetadata sent) {
    TopicPartition tp = new TopicPartition(sent.topic(), sent.partition());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(ClientConfigs.consumer(stack.kafka(), null))) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, sent.offset());
      long deadline = System.nanoTime() + POLL_LIMIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
          if (r.offset() == sent.offset()) {
            return r;
          }
        }
      }
    }
    throw new AssertionError("no record at " + tp + "@" + sent.offset() + " within " + POLL_LIMIT);
  }

  /** Every artifact id in the registry, read page by page from the v2 search API. */
  private static Set<String> artifactIds() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Set<String> ids = new HashSet<>();
    int offset = 0;
    int count;
    do {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(registryUrl + "/search/artifacts?limit=100&offset=" + offset))
              .header("Accept", "application/json")
              .timeout(Duration.ofSeconds(10))
              .GET()
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      List<String> page = new ArrayList<>();
      Matcher m = ARTIFACT_ID.matcher(response.body());
      while (m.find()) {
        page.add(m.group(1));
      }
      Matcher c = COUNT.matcher(response.body());
      assertThat(c.find()).as("count in " + response.body()).isTrue();
      count = Integer.parseInt(c.group(1));
      ids.addAll(page);
      offset += 100;
      if (page.isEmpty()) {
        break;
      }
    } while (offset < count);
    return ids;
  }
}
