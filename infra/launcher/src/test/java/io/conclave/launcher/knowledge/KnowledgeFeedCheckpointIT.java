package io.conclave.launcher.knowledge;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.conclave.worker.KnowledgeFeed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker's knowledge feed started after the projections merged the topic's history starts from
 * their checkpoint (the changelog of their knowledge store and their group's offsets) and reads
 * only the tail of conclave.knowledge, and ends with the same merged knowledge as a feed that read
 * the topic from its beginning.
 */
@ExtendWith(ConclaveStackExtension.class)
class KnowledgeFeedCheckpointIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int HISTORY = 60;
  private static final int TAIL = 9;

  @Test
  void aFeedStartedAfterTheProjectionsReadsOnlyTheTail(ConclaveStack stack) throws Exception {
    // given: a history of deltas over counters and sets, and a feed started before any projections
    // ran
    ConclaveSettings settings = stack.isolated("feed-checkpoint");
    List<KnowledgeDelta> history = deltas(0, HISTORY);
    List<KnowledgeDelta> tail = deltas(HISTORY, TAIL);
    try (StackClient client = new StackClient(settings)) {
      ConclaveSerdes serdes = client.serdes();
      write(client, history);
      try (KnowledgeFeed fromBeginning = new KnowledgeFeed(settings, serdes).start();
          Admin admin = stack.admin()) {
        // and: projections that merged the history, then stopped
        try (InProcessConclave projections =
            InProcessConclave.with(settings).noCoordinator().workers(0).start()) {
          eventually(() -> assertThat(committed(admin, settings)).isEqualTo(HISTORY));
        }
        // and: the tail, written after them
        write(client, tail);

        // when: a feed starts now
        try (KnowledgeFeed fromCheckpoint = new KnowledgeFeed(settings, serdes).start()) {
          // then: it reads the tail only, and knows what both feeds know: the merge of every delta
          Map<String, Crdt> expected = merge(history, tail);
          eventually(
              () -> {
                assertThat(fromCheckpoint.recordsRead()).isEqualTo(TAIL);
                assertThat(fromBeginning.recordsRead()).isEqualTo(HISTORY + TAIL);
                for (var key : expected.entrySet()) {
                  assertThat(fromCheckpoint.apply(key.getKey()))
                      .as(key.getKey())
                      .hasValue(key.getValue());
                  assertThat(fromBeginning.apply(key.getKey()))
                      .as(key.getKey())
                      .hasValue(key.getValue());
                }
              });
          assertThat(fromCheckpoint.recordsRead()).isLessThan(HISTORY + TAIL);
        }
      }
    }
  }

  /**
   * Deltas {@code from} to {@code from + n - 1}: three counters incremented by two replicas, and a
   * set.
   */
  private static List<KnowledgeDelta> deltas(int from, int n) {
    List<KnowledgeDelta> deltas = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      String replica = "research-" + (i % 2);
      Instant at = T0.plusSeconds(i);
      if (i % 4 == 3) {
        // a replica of its own for each add: each is the replica's first, so its tag is unique only
        // so
        deltas.add(
            new KnowledgeDelta(
                "feed.topics",
                "set-" + i,
                i,
                Optional.empty(),
                at,
                OrSet.EMPTY.add("set-" + i, "topic-" + i)));
      } else {
        deltas.add(
            new KnowledgeDelta(
                "feed.counter-" + (i % 3),
                replica,
                i,
                Optional.empty(),
                at,
                GCounter.EMPTY.increment(replica, i + 1)));
      }
    }
    return deltas;
  }

  /** What a feed that read every delta knows: each key's deltas merged. */
  @SafeVarargs
  private static Map<String, Crdt> merge(List<KnowledgeDelta>... deltas) {
    Map<String, Crdt> merged = new TreeMap<>();
    for (List<KnowledgeDelta> some : deltas) {
      some.forEach(d -> merged.merge(d.key(), d.delta(), Crdt::merge));
    }
    return merged;
  }

  private static void write(StackClient client, List<KnowledgeDelta> deltas) {
    for (KnowledgeDelta delta : deltas) {
      client.send(client.records().knowledge(delta));
    }
  }

  /**
   * The offsets the projections' group committed on conclave.knowledge, summed: the deltas it
   * merged.
   */
  private static long committed(Admin admin, ConclaveSettings settings) throws Exception {
    return admin
        .listConsumerGroupOffsets(settings.topics().projectionsApplicationId())
        .partitionsToOffsetAndMetadata()
        .get()
        .entrySet()
        .stream()
        .filter(
            e -> e.getKey().topic().equals(settings.topics().knowledge()) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }
}
