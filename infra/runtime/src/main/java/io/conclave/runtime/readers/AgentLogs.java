package io.conclave.runtime.readers;

import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.journal.AgentSnapshot;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.journal.LogFolder;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.DecisionKeyFilter;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads agents' event logs back from Kafka: an agent's state is the fold of its decisions in its
 * partition of conclave.decisions, started from its latest snapshot in conclave.snapshots when
 * there is a usable one. Used when a process takes an agent over (the state and the next sequence
 * number), for time travel (the state as of an offset or a time), and by the tools. Reads
 * read_committed only. Thread-safe (one read at a time); keeps its consumer.
 */
public final class AgentLogs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentLogs.class);

  /**
   * Records read per step when looking for the latest snapshot backwards from the end; doubles each
   * step.
   */
  private static final int FIRST_WINDOW = 256;

  private final ConclaveSettings settings;
  private final Deserializer<DecisionKey> keys;
  private final Serializer<DecisionKey> keyWriter;
  private final Deserializer<Decision> decisions;
  private final Deserializer<AgentSnapshot> snapshots;
  private final TopicScan scan;

  /** How far into the log a fold reads. */
  public sealed interface Bound {
    /** To the end of the log: the agent's current state. */
    record End() implements Bound {}

    /** Up to and including offset {@code offset} of the agent's partition. */
    record AtOffset(long offset) implements Bound {
      public AtOffset {
        if (offset < 0) {
          throw new IllegalArgumentException("an offset is >= 0, was " + offset);
        }
      }
    }

    /**
     * Every decision of the agent stamped at or before {@code time}: the log as it was then. (An
     * agent's decisions are written by one owner at a time, so their timestamps grow with their
     * offsets.)
     */
    record AtTime(Instant time) implements Bound {
      public AtTime {
        Objects.requireNonNull(time, "time");
        try {
          time.toEpochMilli(); // record timestamps are epoch milliseconds
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException(
              "a time must be within epoch milliseconds, was " + time);
        }
      }
    }
  }

  public AgentLogs(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.settings = settings;
    this.keys = serdes.decisionKey().deserializer();
    this.keyWriter = serdes.decisionKey().serializer();
    this.decisions = serdes.decision().deserializer();
    this.snapshots = serdes.agentSnapshot().deserializer();
    this.scan = new TopicScan(settings.kafka());
  }

  /**
   * Reads the agent's current state without waiting for open transactions ({@link
   * TopicScan#unsettled}).
   */
  public synchronized void warmUp(String agentId, StateFold<?> fold) {
    scan.unsettled(() -> current(agentId, fold));
  }

  /** The agent's current state, from its latest usable snapshot and the decisions after it. */
  public <S> FoldedLog<S> current(String agentId, StateFold<S> fold) {
    return fold(agentId, fold, new Bound.End(), true);
  }

  /**
   * The agent's state as of {@code bound}.
   *
   * @param useSnapshots false to fold every decision from the first one (to check snapshots, or to
   *     measure)
   */
  public synchronized <S> FoldedLog<S> fold(
      String agentId, StateFold<S> fold, Bound bound, boolean useSnapshots) {
    TopicPartition tp = decisionsPartition(agentId);
    long end = scan.endOffset(tp);
    // an offset at or past the end is the end (offset + 1 would overflow at Long.MAX_VALUE)
    long until = bound instanceof Bound.AtOffset at && at.offset() < end ? at.offset() + 1 : end;
    // a snapshot is taken once its decisions committed: one taken by then covers only decisions
    // stamped by then
    Instant latest = bound instanceof Bound.AtTime at ? at.time() : Instant.MAX;
    long latestMillis =
        bound instanceof Bound.AtTime at ? at.time().toEpochMilli() : Long.MAX_VALUE;
    LogFolder<S> folder = LogFolder.fromStart(agentId, fold);
    long from = 0;
    if (useSnapshots) {
      Optional<AgentSnapshot> snapshot = latestSnapshot(agentId, until, latest);
      if (snapshot.isPresent() && snapshot.get().fold().equals(fold.id())) {
        try {
          folder = LogFolder.fromSnapshot(agentId, fold, snapshot.get());
          from = snapshot.get().decisionsOffset();
        } catch (IllegalArgumentException e) {
          log.warn("snapshot of {} unusable ({}); folding its whole log", agentId, e.getMessage());
        }
      } else if (snapshot.isPresent()) {
        log.info(
            "snapshot of {} was made by fold {}, not {}; folding its whole log",
            agentId,
            snapshot.get().fold(),
            fold.id());
      }
    }
    LogFolder<S> f = folder;
    long[] stop = {until};
    String topic = tp.topic();
    DecisionKeyFilter mine = DecisionKeyFilter.forAgent(agentId, keyWriter, topic);
    scan.scanWhile(
        tp,
        from,
        until,
        r -> {
          DecisionKey key = readKey(r, mine);
          if (key == null) {
            return true;
          }
          if (r.timestamp() > latestMillis) {
            stop[0] = r.offset();
            return false;
          }
          f.accept(key, r.value() == null ? null : decisions.deserialize(topic, r.value()));
          return true;
        });
    return f.result(stop[0]);
  }

  /**
   * The agent's decisions with offsets in [{@code from}, {@code until}) of its partition ({@code
   * until < 0}: to the end), in order, each with its offset (tombstones left out).
   */
  public synchronized List<Logged> decisions(String agentId, long from, long until) {
    TopicPartition tp = decisionsPartition(agentId);
    List<Logged> out = new ArrayList<>();
    DecisionKeyFilter mine = DecisionKeyFilter.forAgent(agentId, keyWriter, tp.topic());
    scan.scan(
        tp,
        from,
        until,
        r -> {
          DecisionKey key = readKey(r, mine);
          if (key != null && r.value() != null) {
            out.add(new Logged(r.offset(), decisions.deserialize(tp.topic(), r.value())));
          }
        });
    return out;
  }

  /** A decision and its offset in the agent's partition of conclave.decisions. */
  public record Logged(long offset, Decision decision) {}

  /** The partition of conclave.decisions (and of conclave.snapshots) that holds the agent's log. */
  public TopicPartition decisionsPartition(String agentId) {
    return new TopicPartition(
        settings.topics().decisions(), Partitioning.of(agentId, settings.partitions()));
  }

  /**
   * The agent's latest snapshot that covers nothing at or above {@code maxDecisionsOffset} and was
   * taken at or before {@code takenBy}; empty if there is none, or if the agent's log was erased
   * after it. Reads conclave.snapshots backwards from its end in growing windows, so the usual case
   * (a recent snapshot) reads a few records whatever the topic's size.
   */
  public synchronized Optional<AgentSnapshot> latestSnapshot(
      String agentId, long maxDecisionsOffset, Instant takenBy) {
    String topic = settings.topics().snapshots();
    TopicPartition tp = new TopicPartition(topic, Partitioning.of(agentId, settings.partitions()));
    byte[] key = agentId.getBytes(StandardCharsets.UTF_8);
    long begin = scan.beginningOffset(tp);
    long hi = scan.endOffset(tp);
    for (long window = FIRST_WINDOW; hi > begin; window *= 2) {
      long lo = Math.max(begin, hi - window);
      List<ConsumerRecord<byte[], byte[]>> mine = new ArrayList<>();
      scan.scan(
          tp,
          lo,
          hi,
          r -> {
            if (Arrays.equals(key, r.key())) {
              mine.add(r);
            }
          });
      for (int i = mine.size() - 1; i >= 0; i--) {
        byte[] value = mine.get(i).value();
        if (value == null) {
          return Optional.empty(); // erased: nothing older belongs to the log as it is now
        }
        try {
          AgentSnapshot s = snapshots.deserialize(topic, value);
          if (s.decisionsOffset() <= maxDecisionsOffset && !s.at().isAfter(takenBy)) {
            return Optional.of(s);
          }
        } catch (RuntimeException e) {
          SchemaRegistryUnavailableException.rethrowIfIn(e);
          log.warn(
              "unreadable snapshot of {} at {}@{}: {}",
              agentId,
              tp,
              mine.get(i).offset(),
              e.toString());
        }
      }
      hi = lo;
    }
    return Optional.empty();
  }

  /**
   * The record's key if it is the agent's, else null; most keys are told apart by their bytes
   * alone.
   */
  private DecisionKey readKey(ConsumerRecord<byte[], byte[]> r, DecisionKeyFilter mine) {
    try {
      DecisionKeyFilter.Match match = mine.match(r.key());
      if (match == DecisionKeyFilter.Match.OTHER) {
        return null;
      }
      DecisionKey key =
          match == DecisionKeyFilter.Match.MINE
              ? mine.key(r.key())
              : keys.deserialize(r.topic(), r.key());
      return key.agentId().equals(mine.agentId()) ? key : null;
    } catch (RuntimeException e) {
      SchemaRegistryUnavailableException.rethrowIfIn(e);
      log.warn(
          "unreadable decision key at {}-{}@{}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.toString());
      return null;
    }
  }

  @Override
  public synchronized void close() {
    scan.close();
  }
}
