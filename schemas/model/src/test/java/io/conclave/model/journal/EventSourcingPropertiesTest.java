package io.conclave.model.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.Tally;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The laws of Conclave's event sourcing, on random logs: an agent's state from a snapshot plus the
 * decisions after it equals its state folded from the first decision, at the log's end and at any
 * point of it (time travel); what the live journal holds equals what a later reader folds; a
 * decision delivered twice counts once.
 */
class EventSourcingPropertiesTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final String AGENT = "research-0";
  private static final String OTHER = "write-3";

  /**
   * One record of an agent's partition of conclave.decisions: its offset, key, and value (null:
   * tombstone).
   */
  record Logged(long offset, DecisionKey key, Decision decision) {}

  /**
   * A partition as the worker writes it: steps of 0..4 decisions of {@link #AGENT}, interleaved
   * with another agent's decisions (same partition, another agent) and with records of other
   * topics' transactions (gaps in offsets).
   */
  private static final Gen<List<Logged>> PARTITIONS = partitions();

  /**
   * One worker step: how many decisions of {@link #AGENT} and of the other agent it writes, and how
   * many markers.
   */
  record Step(int mine, int others, int markers) {}

  private static Gen<List<Logged>> partitions() {
    Gen<Step> step =
        integers().between(0, 4).zip(integers().between(0, 2), integers().between(0, 3), Step::new);
    return lists()
        .of(step)
        .ofSizeBetween(0, 40)
        .map(
            steps -> {
              List<Logged> out = new ArrayList<>();
              long offset = 0;
              long mine = 0;
              long others = 0;
              int n = 0;
              for (Step s : steps) {
                for (int i = 0; i < s.mine(); i++) {
                  out.add(logged(offset++, AGENT, mine++, "K" + (i % 3), "step " + n + " #" + i));
                }
                for (int i = 0; i < s.others(); i++) {
                  out.add(logged(offset++, OTHER, others++, "K0", "other " + n));
                }
                offset += s.markers(); // transaction markers take offsets too
                n++;
              }
              return List.copyOf(out);
            });
  }

  private static Logged logged(long offset, String agent, long seq, String kind, String payload) {
    DecisionKey key = new DecisionKey(agent, seq);
    return new Logged(
        offset,
        key,
        new Decision(
            key, Optional.empty(), Optional.empty(), kind, payload, NOW, Optional.empty()));
  }

  private static long end(List<Logged> log) {
    return log.isEmpty() ? 0 : log.get(log.size() - 1).offset() + 1;
  }

  /** What AgentLogs does with a partition: fold the agent's records in [from, until). */
  private static <S> FoldedLog<S> read(
      LogFolder<S> folder, List<Logged> log, long from, long until) {
    log.stream()
        .filter(r -> r.offset() >= from && r.offset() < until)
        .forEach(r -> folder.accept(r.key(), r.decision()));
    return folder.result(until);
  }

  /**
   * A snapshot of the fold at {@code offset}, as the journal would write it: encoded, then read
   * back decoded.
   */
  private static <S> AgentSnapshot snapshotAt(StateFold<S> fold, List<Logged> log, long offset) {
    FoldedLog<S> upTo = read(LogFolder.fromStart(AGENT, fold), log, 0, offset);
    return new AgentSnapshot(
        AGENT, upTo.nextSequence(), offset, fold.id(), fold.encode(upTo.state()), NOW);
  }

  @Test
  void stateFromASnapshotPlusTheTailEqualsStateFromTheBeginning() {
    qt().withExamples(1000)
        .forAll(PARTITIONS, integers().between(0, 1000))
        .checkAssert(
            (log, cut) -> {
              // given: a snapshot taken anywhere in the partition
              long at = end(log) == 0 ? 0 : cut % (end(log) + 1);
              AgentSnapshot snapshot = snapshotAt(Transcript.FOLD, log, at);

              // when
              FoldedLog<List<String>> whole =
                  read(LogFolder.fromStart(AGENT, Transcript.FOLD), log, 0, end(log));
              FoldedLog<List<String>> resumed =
                  read(
                      LogFolder.fromSnapshot(AGENT, Transcript.FOLD, snapshot),
                      log,
                      snapshot.decisionsOffset(),
                      end(log));

              // then
              assertThat(resumed.state()).isEqualTo(whole.state());
              assertThat(resumed.nextSequence()).isEqualTo(whole.nextSequence());
              assertThat(resumed.gaps()).isZero();
              assertThat(whole.gaps()).isZero();
              assertThat(resumed.folded() + snapshotFolded(log, at)).isEqualTo(whole.folded());
            });
  }

  private static long snapshotFolded(List<Logged> log, long at) {
    return log.stream().filter(r -> r.offset() < at && r.key().agentId().equals(AGENT)).count();
  }

  @Test
  void timeTravelFromTheLatestUsableSnapshotEqualsAFoldUpToThatOffset() {
    Gen<Integer> upTo1000 = integers().between(0, 1000);
    qt().withExamples(1000)
        .forAll(PARTITIONS, upTo1000, upTo1000)
        .checkAssert(
            (log, snap, bound) -> {
              // given: a snapshot, and a point in time before or after it
              long size = end(log) + 1;
              long snapAt = snap % size;
              long until = bound % size;
              AgentSnapshot snapshot = snapshotAt(Transcript.FOLD, log, snapAt);

              // when: the snapshot is used only if it covers nothing at or after the point, as
              // AgentLogs chooses
              LogFolder<List<String>> folder =
                  snapshot.decisionsOffset() <= until
                      ? LogFolder.fromSnapshot(AGENT, Transcript.FOLD, snapshot)
                      : LogFolder.fromStart(AGENT, Transcript.FOLD);
              long from = snapshot.decisionsOffset() <= until ? snapshot.decisionsOffset() : 0;
              FoldedLog<List<String>> travelled = read(folder, log, from, until);

              // then: the state is exactly the agent's decisions below the point, in order
              List<String> expected =
                  log.stream()
                      .filter(r -> r.offset() < until && r.key().agentId().equals(AGENT))
                      .map(
                          r ->
                              r.key().sequence()
                                  + ":"
                                  + r.decision().kind()
                                  + ":"
                                  + r.decision().payload())
                      .toList();
              assertThat(travelled.state()).isEqualTo(expected);
              assertThat(travelled.nextSequence()).isEqualTo(expected.size());
            });
  }

  @Test
  void theLiveJournalAndItsSnapshotsAgreeWithAReaderOfTheLog() {
    qt().withExamples(1000)
        .forAll(
            integers().between(1, 30),
            integers().between(0, 4),
            integers().between(0, 7),
            integers().between(0, 5))
        .checkAssert(
            (steps, perStep, snapshotEvery, restartAfter) -> {
              // given: a worker that appends steps, commits each (the log gives offsets), and
              // writes snapshots when due;
              // it restarts once, from what a reader folds of the log and the latest snapshot
              List<Logged> log = new ArrayList<>();
              List<AgentSnapshot> snapshots = new ArrayList<>();
              AgentJournal<List<String>> journal =
                  new AgentJournal<>(
                      AGENT,
                      Transcript.FOLD,
                      LogFolder.fromStart(AGENT, Transcript.FOLD).result(0),
                      snapshotEvery);

              // when
              for (int s = 0; s < steps; s++) {
                if (s == restartAfter) {
                  journal =
                      new AgentJournal<>(
                          AGENT, Transcript.FOLD, rebuild(log, snapshots), snapshotEvery);
                }
                var draft =
                    journal.begin(
                        new AgentJournal.Origin(
                            Optional.of("saga-" + s), Optional.of(0), NOW, Optional.empty()));
                for (int i = 0; i < perStep; i++) {
                  draft.append("K", "step " + s + " #" + i);
                }
                long last = -1;
                for (Decision d : journal.accept(draft)) {
                  last = end(log);
                  log.add(new Logged(last, d.key(), d));
                }
                if (last >= 0) {
                  journal.committed(last, NOW).ifPresent(snapshots::add);
                }
              }

              // then: gap-free sequences, and every way of reading the log gives the journal's
              // state
              List<Long> seqs = log.stream().map(r -> r.key().sequence()).toList();
              assertThat(seqs)
                  .containsExactlyElementsOf(
                      java.util.stream.LongStream.range(0, seqs.size()).boxed().toList());
              FoldedLog<List<String>> whole =
                  read(LogFolder.fromStart(AGENT, Transcript.FOLD), log, 0, end(log));
              assertThat(whole.state()).isEqualTo(journal.state());
              assertThat(rebuild(log, snapshots).state()).isEqualTo(journal.state());
              assertThat(rebuild(log, snapshots).nextSequence()).isEqualTo(journal.nextSequence());
              // and a rebuild never reads snapshotEvery decisions or more after the latest snapshot
              if (snapshotEvery > 0) {
                long after =
                    snapshots.isEmpty()
                        ? log.size()
                        : log.stream()
                            .filter(
                                r ->
                                    r.offset()
                                        >= snapshots.get(snapshots.size() - 1).decisionsOffset())
                            .count();
                assertThat(after).isLessThan(snapshotEvery);
              } else {
                assertThat(snapshots).isEmpty();
              }
            });
  }

  /** What a new owner does: the latest snapshot, then the log after it. */
  private static FoldedLog<List<String>> rebuild(List<Logged> log, List<AgentSnapshot> snapshots) {
    if (snapshots.isEmpty()) {
      return read(LogFolder.fromStart(AGENT, Transcript.FOLD), log, 0, end(log));
    }
    AgentSnapshot latest = snapshots.get(snapshots.size() - 1);
    return read(
        LogFolder.fromSnapshot(AGENT, Transcript.FOLD, latest),
        log,
        latest.decisionsOffset(),
        end(log));
  }

  @Test
  void aDecisionDeliveredTwiceCountsOnce() {
    qt().withExamples(1000)
        .forAll(PARTITIONS, integers().between(0, 1000))
        .checkAssert(
            (log, which) -> {
              // given: one of the agent's records appears again later in the partition
              List<Logged> mine =
                  log.stream().filter(r -> r.key().agentId().equals(AGENT)).toList();
              if (mine.isEmpty()) {
                return;
              }
              Logged again = mine.get(which % mine.size());
              List<Logged> doubled = new ArrayList<>(log);
              doubled.add(new Logged(end(log), again.key(), again.decision()));

              // when
              FoldedLog<List<String>> once =
                  read(LogFolder.fromStart(AGENT, Transcript.FOLD), log, 0, end(log));
              FoldedLog<List<String>> twice =
                  read(LogFolder.fromStart(AGENT, Transcript.FOLD), doubled, 0, end(doubled));

              // then
              assertThat(twice.state()).isEqualTo(once.state());
              assertThat(twice.nextSequence()).isEqualTo(once.nextSequence());
            });
  }

  @Test
  void aMissingSequenceIsCountedAsAGapAndTheFoldGoesOn() {
    // given
    LogFolder<Tally> folder = LogFolder.fromStart(AGENT, Tally.FOLD);

    // when
    folder.accept(new DecisionKey(AGENT, 0), logged(0, AGENT, 0, "A", "x").decision());
    folder.accept(new DecisionKey(AGENT, 3), logged(1, AGENT, 3, "A", "y").decision());

    // then
    FoldedLog<Tally> result = folder.result(2);
    assertThat(result.gaps()).isEqualTo(2);
    assertThat(result.nextSequence()).isEqualTo(4);
    assertThat(result.state().count("A")).isEqualTo(2);
  }

  @Test
  void anErasedLogStartsOver() {
    // given: two decisions, then the erasure's tombstones, then a new decision from sequence 0
    LogFolder<Tally> folder = LogFolder.fromStart(AGENT, Tally.FOLD);
    folder.accept(new DecisionKey(AGENT, 0), logged(0, AGENT, 0, "A", "x").decision());
    folder.accept(new DecisionKey(AGENT, 1), logged(1, AGENT, 1, "A", "y").decision());

    // when
    folder.accept(new DecisionKey(AGENT, 0), null);
    folder.accept(new DecisionKey(AGENT, 1), null);
    folder.accept(new DecisionKey(AGENT, 0), logged(4, AGENT, 0, "B", "z").decision());

    // then
    FoldedLog<Tally> result = folder.result(5);
    assertThat(result.state()).isEqualTo(new Tally(java.util.Map.of("B", 1L)));
    assertThat(result.nextSequence()).isEqualTo(1);
    assertThat(result.gaps()).isZero();
  }

  @Test
  void aTallyCountsEveryDecisionAndItsEncodingRoundTrips() {
    qt().withExamples(1000)
        .forAll(PARTITIONS)
        .checkAssert(
            log -> {
              // when
              FoldedLog<Tally> folded =
                  read(LogFolder.fromStart(AGENT, Tally.FOLD), log, 0, end(log));

              // then
              assertThat(folded.state().total()).isEqualTo(folded.folded());
              assertThat(Tally.FOLD.decode(Tally.FOLD.encode(folded.state())))
                  .isEqualTo(folded.state());
            });
  }

  @Test
  void aSnapshotOfAnotherFoldOrAgentIsRefused() {
    // given
    var snapshot = new AgentSnapshot(AGENT, 3, 10, "tally/1", "{}", NOW);

    // then
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LogFolder.fromSnapshot(AGENT, Transcript.FOLD, snapshot))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tally/1");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LogFolder.fromSnapshot(OTHER, Tally.FOLD, snapshot))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(OTHER);
  }

  @Test
  void aDraftThatWasOvertakenIsRefused() {
    // given
    var journal =
        new AgentJournal<>(AGENT, Tally.FOLD, LogFolder.fromStart(AGENT, Tally.FOLD).result(0), 0);
    var origin = new AgentJournal.Origin(Optional.empty(), Optional.empty(), NOW, Optional.empty());
    var first = journal.begin(origin);
    var second = journal.begin(origin);
    first.append("A", "x");
    second.append("A", "y");
    journal.accept(first);

    // then
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> journal.accept(second))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("began at sequence 0");
  }
}
