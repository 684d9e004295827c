package io.conclave.coordinator;

import io.conclave.model.cluster.BreakerBoard;
import io.conclave.model.cluster.BreakerStateChanged;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicFollower;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' circuit breakers as this coordinator has read them from conclave.agent-health
 * ({@link BreakerBoard}): tells the shard leaders which agent types take no calls, so that they
 * hold those types' steps. It lags the topic a little; until it has read a breaker's opening, a
 * leader dispatches as usual (the worker then holds the command). Thread-safe.
 */
final class HealthFeed implements Predicate<String>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthFeed.class);

  private final Deserializer<BreakerStateChanged> reader;
  private final TopicFollower follower;
  private volatile BreakerBoard board = BreakerBoard.EMPTY;

  HealthFeed(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.reader = serdes.breakerStateChanged().deserializer();
    this.follower =
        new TopicFollower(
            settings.kafka(),
            settings.topics().agentHealth(),
            "health-feed",
            "shard leaders dispatch to every agent type, open breakers or not",
            this::read);
  }

  HealthFeed start() {
    follower.start();
    return this;
  }

  /** Whether every breaker reported for {@code agentType} is open. */
  @Override
  public boolean test(String agentType) {
    return board.unavailable(agentType);
  }

  private void read(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      if (record.key() != null) {
        board = board.without(new String(record.key(), StandardCharsets.UTF_8));
      }
      return;
    }
    try {
      board = board.with(reader.deserialize(record.topic(), record.value()));
    } catch (RuntimeException e) {
      SchemaRegistryUnavailableException.rethrowIfIn(e); // read again once the registry answers
      log.debug(
          "unreadable breaker report at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
