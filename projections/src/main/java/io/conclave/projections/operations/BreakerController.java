package io.conclave.projections.operations;

import io.conclave.model.cluster.BreakerStateChanged;
import io.conclave.projections.http.ReadAccess;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.ConclaveTopics;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breakers of the worker processes (one per model endpoint and agent type of each
 * worker), each as it last reported on conclave.agent-health (a small compacted topic, read to its
 * end on each request, so the answer is never behind what the workers wrote). A worker that stopped
 * cleanly wrote a tombstone for each of its breakers, which are then left out; one that died keeps
 * its last reports: look at {@code since}.
 */
@ReadAccess
@Controller("/breakers")
@ExecuteOn(TaskExecutors.BLOCKING)
class BreakerController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BreakerController.class);

  private final String topic;

  /**
   * One reader kept between requests (its connections and metadata), used by one request at a time.
   */
  private final TopicScan scan;

  private final Deserializer<BreakerStateChanged> reader;

  BreakerController(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.topic = settings.topics().agentHealth();
    this.scan = new TopicScan(settings.kafka());
    this.reader = serdes.breakerStateChanged().deserializer();
  }

  @PreDestroy
  @Override
  public void close() {
    scan.close();
  }

  /**
   * Every worker's circuit breakers, optionally only those in one state. By name and worker; with
   * {@code state} (CLOSED, OPEN, HALF_OPEN, any case) only those in it; 400 for another state.
   */
  @Get
  List<BreakerView> breakers(@Nullable @QueryValue String state) {
    String wanted = state == null ? null : state(state);
    Map<String, BreakerStateChanged> latest = new TreeMap<>();
    synchronized (scan) {
      for (int p = 0; p < ConclaveTopics.AGENT_HEALTH_PARTITIONS; p++) {
        scan.scan(new TopicPartition(topic, p), 0, -1, r -> fold(latest, r, this::read));
      }
    }
    return latest.values().stream()
        .filter(b -> wanted == null || b.to().name().equals(wanted))
        .sorted(
            Comparator.comparing(BreakerStateChanged::breaker)
                .thenComparing(BreakerStateChanged::worker))
        .map(b -> new BreakerView(b.breaker(), b.worker(), b.agentTypes(), b.to().name(), b.at()))
        .toList();
  }

  /**
   * Folds one record of conclave.agent-health into {@code latest} (by record key, a breaker of a
   * worker): a report replaces the key's earlier one, a tombstone (null value) removes it, and a
   * record {@code read} finds no report in leaves it as it was.
   */
  static void fold(
      Map<String, BreakerStateChanged> latest,
      ConsumerRecord<byte[], byte[]> record,
      Function<ConsumerRecord<byte[], byte[]>, Optional<BreakerStateChanged>> read) {
    if (record.value() == null) {
      if (record.key() != null) {
        latest.remove(new String(record.key(), StandardCharsets.UTF_8));
      }
      return;
    }
    read.apply(record)
        .ifPresent(
            b ->
                latest.put(
                    record.key() == null
                        ? b.key()
                        : new String(record.key(), StandardCharsets.UTF_8),
                    b));
  }

  /**
   * A report, or nothing for a record that is not one (logged: the rest of the topic still
   * answers).
   */
  private Optional<BreakerStateChanged> read(ConsumerRecord<byte[], byte[]> record) {
    try {
      return Optional.of(reader.deserialize(topic, record.value()));
    } catch (RuntimeException e) {
      log.warn(
          "{}-{}@{} is not a breaker report, left out of GET /breakers: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return Optional.empty();
    }
  }

  private static String state(String state) {
    String upper = state.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (Arrays.stream(BreakerStateChanged.State.values()).noneMatch(s -> s.name().equals(upper))) {
      throw new IllegalArgumentException(
          "state must be one of "
              + Arrays.stream(BreakerStateChanged.State.values())
                  .map(Enum::name)
                  .collect(Collectors.joining(", "))
              + ", was '"
              + state
              + "'");
    }
    return upper;
  }
}
