package io.conclave.runtime.readers;

import io.conclave.model.saga.RegisteredSaga;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga definitions registered by name, as the fold of the compacted {@code
 * conclave.saga-definitions} (a record registers or replaces a name, a tombstone removes it). Each
 * read first folds what was written since the last one, up to the topic's end at the time of the
 * read: a definition registered (and acknowledged) before a task that names it is always found.
 * Memory holds one definition per name, whatever the topic's history.
 *
 * <p>Thread-safe: reads are serialized; the {@link TopicScan} passed in must not be used by another
 * thread at the same time.
 */
public final class SagaDefinitionCatalog {
  private static final Logger log = LoggerFactory.getLogger(SagaDefinitionCatalog.class);

  private final TopicPartition partition;
  private final Deserializer<RegisteredSaga> reader;
  private final TreeMap<String, RegisteredSaga> byName = new TreeMap<>();
  private long position;

  public SagaDefinitionCatalog(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.partition = new TopicPartition(settings.topics().sagaDefinitions(), 0);
    this.reader = serdes.registeredSaga().deserializer();
  }

  /** The definition registered as {@code name}, if any. */
  public synchronized Optional<RegisteredSaga> find(TopicScan scan, String name) {
    if (!caughtUp(scan)) {
      return Optional.empty();
    }
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * Every registered definition, by name; empty if the topic does not exist (an installation whose
   * topics predate it has no definitions).
   */
  public synchronized SortedMap<String, RegisteredSaga> all(TopicScan scan) {
    if (!caughtUp(scan)) {
      return Collections.emptySortedMap();
    }
    return Collections.unmodifiableSortedMap(new TreeMap<>(byName));
  }

  /**
   * Folds what was written since the last read, up to the topic's end now; false if the topic does
   * not exist.
   */
  private boolean caughtUp(TopicScan scan) {
    if (scan.partitionCount(partition.topic()) == 0) {
      return false;
    }
    long end = scan.endOffset(partition);
    if (end > position) {
      scan.scan(
          partition,
          position,
          end,
          r -> {
            if (r.key() == null) {
              return;
            }
            String name = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
              byName.remove(name);
              return;
            }
            try {
              byName.put(name, reader.deserialize(partition.topic(), r.value()));
            } catch (RuntimeException e) {
              // a definition that cannot be read must not pass for an absent one because the
              // registry is down
              SchemaRegistryUnavailableException.rethrowIfIn(e);
              byName.remove(name);
              log.warn(
                  "unreadable saga definition '{}' at offset {}: {}",
                  name,
                  r.offset(),
                  e.toString());
            }
          });
      position = end;
    }
    return true;
  }
}
