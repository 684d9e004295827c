package io.conclave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parts of {@code bench system} that read what the stack says: its children's lines and its
 * topics' sizes.
 */
class SystemBenchPartsTest {
  private static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

  @Test
  void relayedLinesAreWrittenOnAndThoseTellingOfMovedWorkAreCountedAndTheTakeOversKept() {
    var sink = new ByteArrayOutputStream();
    var lines = new RelayedLines(sink, Clock.fixed(NOW, ZoneOffset.UTC));

    lines.println(
        "[worker-2] 06:00:00.000 INFO  [worker-write] i.c.k.TransactionalPartitionLoop - worker-write: now "
            + "owns partitions [2] of conclave.commands.write, conclave.compensations.write");
    lines.println(
        "[coordinator-1] 06:00:00.001 INFO  [coordinator] i.c.c.CoordinatorHandler - task t-1 planned as s-1");
    lines.println(
        "[coordinator-2] 06:00:00.002 WARN  [coordinator] i.c.k.TransactionalPartitionLoop - coordinator: "
            + "fenced on partition 1 (ProducerFencedException); stepping down until the group says who owns it");

    assertThat(sink.toString(StandardCharsets.UTF_8).lines()).hasSize(3);
    assertThat(lines.disturbances()).isEqualTo(2);
    assertThat(lines.disturbancesFrom(1))
        .singleElement()
        .asString()
        .contains("fenced on partition 1");
    assertThat(lines.takeOvers("worker-2", NOW))
        .containsExactly(new RelayedLines.TakeOver("worker-2", "worker-write", NOW));
    assertThat(lines.takeOvers("worker-2", NOW.plusMillis(1))).isEmpty();
    assertThat(lines.takeOvers("worker-1", NOW)).isEmpty();
  }

  @Test
  void aFootprintSinceAnEarlierOneIsWhatEachTopicGained() {
    var before = new TopicFootprint(Map.of("c.tasks", 10L), Map.of("c.tasks", 1000L));
    var after =
        new TopicFootprint(
            Map.of("c.tasks", 15L, "c.new", 3L), Map.of("c.tasks", 1600L, "c.new", 90L));

    TopicFootprint written = after.since(before);

    assertThat(written.records()).containsExactly(Map.entry("c.new", 3L), Map.entry("c.tasks", 5L));
    assertThat(written.bytes()).containsEntry("c.tasks", 600L).containsEntry("c.new", 90L);
    assertThat(written.totalRecords()).isEqualTo(8);
    assertThat(written.totalBytes()).isEqualTo(690);
  }
}
