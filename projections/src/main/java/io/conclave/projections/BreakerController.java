package io.conclave.projections;

import io.conclave.core.BreakerStateChanged;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.ConclaveTopics;
import io.conclave.kafka.TopicScan;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The circuit breakers of the worker processes, each as it last reported on conclave.agent-health (a small compacted
 * topic, read to its end on each request, so the answer is never behind what the workers wrote). A worker that died
 * keeps its last report: look at {@code since}.
 */
@Controller("/breakers")
@ExecuteOn(TaskExecutors.BLOCKING)
class BreakerController {
  private final String topic;
  private final String bootstrapServers;
  private final Deserializer<BreakerStateChanged> reader;

  BreakerController(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.topic = settings.topics().agentHealth();
    this.bootstrapServers = settings.bootstrapServers();
    this.reader = serdes.breakerStateChanged().deserializer();
  }

  /**
   * Every breaker by name and worker; with {@code state} (CLOSED, OPEN, HALF_OPEN, any case) only those in it; 400 for
   * another state.
   */
  @Get
  List<BreakerView> breakers(@Nullable @QueryValue String state) {
    String wanted = state == null ? null : state(state);
    Map<String, BreakerStateChanged> latest = new TreeMap<>();
    try (TopicScan scan = new TopicScan(bootstrapServers)) {
      for (int p = 0; p < ConclaveTopics.AGENT_HEALTH_PARTITIONS; p++) {
        scan.scan(new TopicPartition(topic, p), 0, -1, r -> {
          if (r.value() != null) {
            BreakerStateChanged changed = reader.deserialize(topic, r.value());
            latest.put(changed.key(), changed);
          }
        });
      }
    }
    return latest.values().stream().filter(b -> wanted == null || b.to().name().equals(wanted))
        .sorted(Comparator.comparing(BreakerStateChanged::breaker).thenComparing(BreakerStateChanged::worker))
        .map(b -> new BreakerView(b.breaker(), b.worker(), b.agentTypes(), b.to().name(), b.at())).toList();
  }

  private static String state(String state) {
    String upper = state.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (Arrays.stream(BreakerStateChanged.State.values()).noneMatch(s -> s.name().equals(upper))) {
      throw new IllegalArgumentException("state must be one of " + Arrays.stream(BreakerStateChanged.State.values())
          .map(Enum::name).collect(Collectors.joining(", ")) + ", was '" + state + "'");
    }
    return upper;
  }
}
