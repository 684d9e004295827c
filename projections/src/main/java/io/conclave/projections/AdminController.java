package io.conclave.projections;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.GroupReset;
import io.conclave.kafka.LogPosition;
import io.conclave.kafka.RecordJson;
import io.conclave.kafka.ShortTopicNames;
import io.conclave.kafka.TopicReplay;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.security.annotation.Secured;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay and recovery for operators: rebuild the projections, reset a consumer group of Conclave, read a topic's
 * records. The same operations as {@code conclave projections rebuild}, {@code conclave groups reset} and
 * {@code conclave replay}, through the same code.
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

  AdminController(ProjectionRuntime runtime, ConclaveSettings settings, Admin admin, RecordJson recordJson) {
    this.runtime = runtime;
    this.settings = settings;
    this.admin = admin;
    this.recordJson = recordJson;
  }

  /**
   * Rebuilds the projections from an offset or a time of their input topics, or from their beginning. The body is
   * {@code {"fromOffset": N}} or {@code {"fromTime": "..."}}, or none for the beginning. 202 once the new instance has
   * started (queries answer 503 until it is running); 409 if other projections instances are in the group.
   */
  @Post("/projections/rebuild")
  HttpResponse<RebuildAccepted> rebuild(@Nullable @Body JsonNode body) throws InterruptedException {
    LogPosition from = RebuildRequest.parse(body);
    ProjectionRuntime.Rebuilt rebuilt = kafka(() -> runtime.rebuild(from));
    Map<String, Long> offsets = new TreeMap<>();
    rebuilt.outcome().offsets().forEach((tp, offset) -> offsets.put(tp.toString(), offset));
    return HttpResponse.accepted().body(new RebuildAccepted(rebuilt.applicationId(), from.toString(), offsets,
        rebuilt.outcome().deletedTopics()));
  }

  /**
   * Resets a stopped consumer group of this installation on one topic to an offset or a time. The body names the
   * topic and {@code toOffset} or {@code toTime}; the answer has the new offset of each partition. 409 while the group
   * has members.
   */
  @Post("/groups/{group}/reset")
  GroupResetDone resetGroup(String group, @Nullable @Body JsonNode body) throws InterruptedException {
    GroupResetRequest request = GroupResetRequest.parse(body);
    String prefix = settings.topics().prefix() + "-";
    if (!group.startsWith(prefix)) {
      throw new IllegalArgumentException("only this installation's groups (" + prefix + "...) can be reset here, not '"
          + group + "'");
    }
    String topic = ShortTopicNames.resolve(settings.topics(), request.topic());
    Map<TopicPartition, Long> moved = kafka(() -> GroupReset.reset(admin, group, topic, request.to()));
    Map<Integer, Long> byPartition = new LinkedHashMap<>();
    moved.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> Integer.compare(a.partition(), b.partition())))
        .forEach(e -> byPartition.put(e.getKey().partition(), e.getValue()));
    log.info("reset group {} on {} to {}: {}", group, topic, request.to(), byPartition);
    return new GroupResetDone(group, topic, byPartition);
  }

  /**
   * A topic's records from an offset or a time, as JSON. From {@code fromOffset} or {@code fromTime} (default: the
   * beginning), optionally of one {@code partition}, at most {@code max} (default 100, capped at 10 000), as a JSON
   * array of the objects {@code conclave replay} prints.
   */
  @Get(uri = "/topics/{topic}/records", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> records(String topic, @Nullable @QueryValue String fromOffset,
                               @Nullable @QueryValue String fromTime, @Nullable @QueryValue String partition,
                               @Nullable @QueryValue String max) {
    RecordsQuery query = RecordsQuery.parse(fromOffset, fromTime, partition, max);
    String name = ShortTopicNames.resolve(settings.topics(), topic);
    var request = new TopicReplay.Request(name, query.partition(), query.from(), query.max(), false);
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    TopicReplay.read(settings.kafka(), request, r -> true, r -> out.add(recordJson.toJson(r)));
    return HttpResponse.ok(out.toString()).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  private interface KafkaCall<T> {
    T call() throws InterruptedException, ExecutionException;
  }

  /** Runs an admin call; a Kafka failure surfaces as its cause (a {@link KafkaException}), not wrapped. */
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
