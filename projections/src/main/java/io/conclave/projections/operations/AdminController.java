package io.conclave.projections.operations;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.conclave.model.cluster.DeadLetter;
import io.conclave.projections.http.ApiRoles;
import io.conclave.projections.http.ConflictException;
import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.StrictJson;
import io.conclave.projections.runtime.ConclaveWriter;
import io.conclave.projections.runtime.ProjectionRuntime;
import io.conclave.runtime.admin.DeadLetterRedrive;
import io.conclave.runtime.admin.GroupReset;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.readers.TopicReplay;
import io.conclave.runtime.records.RecordJson;
import io.conclave.runtime.topics.ShortTopicNames;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay and recovery for operators: rebuild the projections, reset a consumer group of Conclave,
 * read a topic's records, re-drive a dead letter. The same operations as {@code conclave
 * projections rebuild}, {@code conclave groups reset}, {@code conclave replay} and {@code conclave
 * dead-letters redrive}, through the same code.
 */
@Secured(ApiRoles.ADMIN)
@Controller("/admin")
@ExecuteOn(TaskExecutors.BLOCKING)
class AdminController {
  private static final Logger log = LoggerFactory.getLogger(AdminController.class);

  private final ProjectionRuntime runtime;
  private final ConclaveSettings settings;
  private final Admin admin;
  private final RecordJson recordJson;
  private final ConclaveWriter writer;
  private final Deserializer<DeadLetter> deadLetters;

  AdminController(
      ProjectionRuntime runtime,
      ConclaveSettings settings,
      Admin admin,
      RecordJson recordJson,
      ConclaveWriter writer,
      ConclaveSerdes serdes) {
    this.runtime = runtime;
    this.settings = settings;
    this.admin = admin;
    this.recordJson = recordJson;
    this.writer = writer;
    this.deadLetters = serdes.deadLetter().deserializer();
  }

  /**
   * Rebuilds the projections from an offset or a time of their input topics, or from their
   * beginning. The body is {@code {"fromOffset": N}} or {@code {"fromTime": "..."}}, or none for
   * the beginning. 202 once the new instance has started (queries answer 503 until it is running);
   * 409 if other projections instances are in the group.
   */
  @Post("/projections/rebuild")
  HttpResponse<RebuildAccepted> rebuild(@Nullable @Body JsonNode body) throws InterruptedException {
    LogPosition from = RebuildRequest.parse(body);
    ProjectionRuntime.Rebuilt rebuilt = kafka(() -> runtime.rebuild(from));
    Map<String, Long> offsets = new TreeMap<>();
    rebuilt.outcome().offsets().forEach((tp, offset) -> offsets.put(tp.toString(), offset));
    return HttpResponse.accepted()
        .body(
            new RebuildAccepted(
                rebuilt.applicationId(),
                from.toString(),
                offsets,
                rebuilt.outcome().deletedTopics()));
  }

  /**
   * Resets a stopped consumer group of this installation on one topic to an offset or a time. The
   * body names the topic and {@code toOffset} or {@code toTime}; the answer has the new offset of
   * each partition. 409 while the group has members.
   */
  @Post("/groups/{group}/reset")
  GroupResetDone resetGroup(String group, @Nullable @Body JsonNode body)
      throws InterruptedException {
    GroupResetRequest request = GroupResetRequest.parse(body);
    String prefix = settings.topics().prefix() + "-";
    if (!group.startsWith(prefix)) {
      throw new IllegalArgumentException(
          "only this installation's groups ("
              + prefix
              + "...) can be reset here, not '"
              + group
              + "'");
    }
    String topic = ShortTopicNames.resolve(settings.topics(), request.topic());
    Map<TopicPartition, Long> moved =
        kafka(() -> GroupReset.reset(admin, group, topic, request.to()));
    Map<Integer, Long> byPartition = new LinkedHashMap<>();
    moved.entrySet().stream()
        .sorted(Map.Entry.comparingByKey((a, b) -> Integer.compare(a.partition(), b.partition())))
        .forEach(e -> byPartition.put(e.getKey().partition(), e.getValue()));
    log.info("reset group {} on {} to {}: {}", group, topic, request.to(), byPartition);
    return new GroupResetDone(group, topic, byPartition);
  }

  /**
   * A topic's records from an offset or a time, as JSON. From {@code fromOffset} or {@code
   * fromTime} (default: the beginning), optionally of one {@code partition}, at most {@code max}
   * (default 100, capped at 10 000), as a JSON array of the objects {@code conclave replay} prints.
   */
  @Get(uri = "/topics/{topic}/records", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> records(
      String topic,
      @Nullable @QueryValue String fromOffset,
      @Nullable @QueryValue String fromTime,
      @Nullable @QueryValue String partition,
      @Nullable @QueryValue String max) {
    RecordsQuery query = RecordsQuery.parse(fromOffset, fromTime, partition, max);
    String name = ShortTopicNames.resolve(settings.topics(), topic);
    var request =
        new TopicReplay.Request(name, query.partition(), query.from(), query.max(), false);
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    TopicReplay.read(settings.kafka(), request, r -> true, r -> out.add(recordJson.toJson(r)));
    return HttpResponse.ok(out.toString()).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  /**
   * Re-drives a dead letter, writing its record back where it came from. The dead letter at {@code
   * partition} and {@code offset} of {@code conclave.dead-letters}: its record is written back to
   * the topic and partition it came from ({@code DeadLetterRedrive}). 202 with where it went; 400
   * for a malformed or out-of-range partition or offset; 404 if no dead letter is there; 409 if the
   * dead letter cannot be read.
   */
  @Post("/dead-letters/{partition}/{offset}/redrive")
  HttpResponse<RedriveAccepted> redrive(String partition, String offset)
      throws InterruptedException {
    long p = StrictJson.offset("partition", requiredLong("partition", partition));
    if (p > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "partition must be a partition of " + settings.topics().deadLetters() + ", was " + p);
    }
    long at = StrictJson.offset("offset", requiredLong("offset", offset));
    DeadLetterRedrive.Outcome outcome;
    try {
      outcome =
          kafka(() -> DeadLetterRedrive.redrive(settings, deadLetters, (int) p, at, writer::write));
    } catch (SerializationException e) {
      throw new ConflictException(
          "the dead letter at "
              + settings.topics().deadLetters()
              + "-"
              + p
              + "@"
              + at
              + " cannot be read, so its record cannot be re-driven: "
              + e.getMessage());
    }
    if (outcome instanceof DeadLetterRedrive.NotFound missing) {
      throw new NotFoundException(missing.reason());
    }
    DeadLetterRedrive.Redriven done = (DeadLetterRedrive.Redriven) outcome;
    log.info(
        "re-drove dead letter {}@{} ({}) to {}@{}",
        done.deadLetter(),
        done.offset(),
        done.letter().errorClass(),
        done.written(),
        done.writtenOffset());
    return HttpResponse.accepted()
        .body(
            new RedriveAccepted(
                done.deadLetter().partition(),
                done.offset(),
                done.written().topic(),
                done.written().partition(),
                done.writtenOffset()));
  }

  private static long requiredLong(String field, String text) {
    Long value = StrictJson.optionalLong(field, text);
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  private interface KafkaCall<T> {
    T call() throws InterruptedException, ExecutionException;
  }

  /**
   * Runs an admin call; a Kafka failure surfaces as its cause (a {@link KafkaException}), not
   * wrapped.
   */
  private static <T> T kafka(KafkaCall<T> call) throws InterruptedException {
    try {
      return call.call();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KafkaException k) {
        throw k;
      }
      throw new IllegalStateException("Kafka failed: " + e.getCause(), e.getCause());
    }
  }
}
