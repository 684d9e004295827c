package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.conclave.agent.Agent;
import io.conclave.agent.Knowledge;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.Hlc;
import io.conclave.model.crdt.HybridClock;
import io.conclave.model.crdt.LwwMap;
import io.conclave.model.crdt.LwwRegister;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.Tally;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.AgentSnapshot;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.journal.LogFolder;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.SagaStep;
import io.conclave.models.CallLedger;
import io.conclave.models.OfflineModel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * An agent's knowledge updates: deltas made from the agent instance's own view, recorded in its log
 * with the step, and a view that survives the instance moving to another worker (rebuilt from the
 * log or a snapshot), so a delta made after a move never reuses a set tag, loses a count or loses
 * to the write it replaces.
 */
class KnowledgeTest {
  private static final String AGENT = "research-0";
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final SagaStep STEP = new SagaStep("research", "gather", "x", "");
  private static final AgentJournal.Origin ORIGIN =
      new AgentJournal.Origin(Optional.of("saga-1"), Optional.of(0), NOW, Optional.empty());

  /** The agent instance's whole log so far, as a worker would have written it. */
  private final List<Decision> log = new ArrayList<>();

  private static KnowledgeAccess clockAt(Instant t) {
    return KnowledgeAccess.ownOnly(Clock.fixed(t, ZoneOffset.UTC));
  }

  private static AgentJournal<Tally> fresh() {
    return new AgentJournal<>(AGENT, Tally.FOLD, FoldedLog.empty(Tally.EMPTY), 0);
  }

  /**
   * The journal a worker taking the instance over rebuilds from the log (optionally from a
   * snapshot).
   */
  private AgentJournal<Tally> rebuilt(Optional<AgentSnapshot> snapshot) {
    LogFolder<Tally> folder =
        snapshot
            .map(s -> LogFolder.fromSnapshot(AGENT, Tally.FOLD, s))
            .orElseGet(() -> LogFolder.fromStart(AGENT, Tally.FOLD));
    log.forEach(d -> folder.accept(d.key(), d));
    return new AgentJournal<>(AGENT, Tally.FOLD, folder.result(log.size()), 0);
  }

  /**
   * Runs one step whose agent does {@code work} with the knowledge API, under retries; keeps what
   * it recorded.
   */
  private StepResult step(
      AgentJournal<Tally> journal, KnowledgeAccess clock, Consumer<Knowledge> work) {
    Agent<Tally> agent =
        new AskingAgent(
            (request, context) -> {
              work.accept(context.knowledge());
              return new StepResult.Completed("ok");
            });
    var policies =
        Failsafe.with(
            RetryPolicy.<StepResult>builder()
                .handle(RuntimeException.class)
                .abortOn(IllegalArgumentException.class)
                .withMaxRetries(3)
                .build());
    var ran =
        StepRunner.run(
            agent,
            journal,
            new StepRequest("saga-1", "t1", 0, STEP, "x", 0),
            ORIGIN,
            policies,
            OfflineModel.instant(),
            clock);
    log.addAll(ran.decisions());
    return ran.result();
  }

  /** What the projections hold once every published delta is merged. */
  private Map<String, Crdt> merged() {
    Map<String, Crdt> merged = new HashMap<>();
    log.stream()
        .filter(d -> d.kind().equals(KnowledgeDelta.DECISION))
        .map(KnowledgeDelta::of)
        .forEach(d -> merged.merge(d.key(), d.delta(), Crdt::merge));
    return merged;
  }

  @Test
  void eachUpdateIsAKnowledgeDecisionWithASmallDeltaOfTheAgentInstance() {
    var journal = fresh();

    step(
        journal,
        clockAt(NOW),
        k -> {
          k.increment("sources-found");
          k.increment("sources-found", 2);
          k.addToSet("topics", "kafka");
          k.put("summary", "draft 1");
        });

    List<KnowledgeDelta> deltas =
        log.stream()
            .filter(d -> d.kind().equals(KnowledgeDelta.DECISION))
            .map(KnowledgeDelta::of)
            .toList();
    assertThat(deltas)
        .extracting(KnowledgeDelta::key)
        .containsExactly("sources-found", "sources-found", "topics", "summary");
    assertThat(deltas).allSatisfy(d -> assertThat(d.replica()).isEqualTo(AGENT));
    // a delta is the instance's own entry, not the whole state
    assertThat(deltas.get(1).delta()).isEqualTo(new GCounter(Map.of(AGENT, 3L)));
    assertThat(journal.knowledge().get("sources-found")).contains(new GCounter(Map.of(AGENT, 3L)));
    assertThat(((LwwRegister) merged().get("summary")).value()).contains("draft 1");
  }

  @Test
  void anAttemptThatThrowsLeavesNoUpdateBehind() {
    var journal = fresh();
    AtomicInteger attempts = new AtomicInteger();

    step(
        journal,
        clockAt(NOW),
        k -> {
          k.increment("calls");
          if (attempts.incrementAndGet() < 3) {
            throw new IllegalStateException("model timed out");
          }
        });

    assertThat(attempts).hasValue(3);
    assertThat(log).filteredOn(d -> d.kind().equals(KnowledgeDelta.DECISION)).hasSize(1);
    assertThat(((GCounter) merged().get("calls")).value()).isEqualTo(1);
  }

  @Test
  void afterAMoveTheInstanceContinuesItsCountsTagsAndStamps() {
    var first = fresh();
    step(
        first,
        clockAt(NOW),
        k -> {
          k.increment("found", 5);
          k.add("balance", -2);
          k.addToSet("topics", "kafka");
          k.addToSet("topics", "crdt");
          k.put("summary", "before the move");
          k.put("meta", "lang", "en");
        });
    AgentSnapshot snapshot =
        first
            .committed(log.size() - 1, NOW)
            .orElseGet(
                () ->
                    new AgentSnapshot(
                        AGENT,
                        first.nextSequence(),
                        log.size(),
                        Tally.FOLD.id(),
                        Tally.FOLD.encode(first.state()),
                        NOW,
                        first.knowledge()));

    for (Optional<AgentSnapshot> from :
        List.of(Optional.<AgentSnapshot>empty(), Optional.of(snapshot))) {
      List<Decision> before = List.copyOf(log);
      // the new owner's clock is an hour behind the old one's
      var moved = rebuilt(from);
      assertThat(moved.knowledge()).isEqualTo(first.knowledge());
      step(
          moved,
          clockAt(NOW.minusSeconds(3600)),
          k -> {
            k.increment("found");
            k.add("balance", 1);
            k.removeFromSet("topics", "kafka");
            k.addToSet("topics", "streams");
            k.put("summary", "after the move");
            k.put("meta", "lang", "de");
          });

      Map<String, Crdt> merged = merged();
      assertThat(((GCounter) merged.get("found")).value()).isEqualTo(6);
      assertThat(((PNCounter) merged.get("balance")).value()).isEqualTo(-1);
      assertThat(((OrSet) merged.get("topics")).value()).containsExactly("crdt", "streams");
      assertThat(((LwwRegister) merged.get("summary")).value()).contains("after the move");
      assertThat(((LwwMap) merged.get("meta")).get("lang")).contains("de");
      log.clear();
      log.addAll(before);
    }
  }

  @Test
  void readsRemovesAndWritesSeeWhatTheWorkerObservedOfOtherInstances() {
    // another instance counted 4, added "kafka" and wrote the summary with a clock an hour ahead of
    // this worker's
    Hlc ahead = new Hlc(NOW.plusSeconds(3600).toEpochMilli(), 0);
    Map<String, Crdt> others =
        Map.of(
            "found",
            GCounter.EMPTY.increment("write-1", 4),
            "topics",
            OrSet.EMPTY.add("write-1", "kafka"),
            "summary",
            LwwRegister.EMPTY.set("theirs", ahead, "write-1"));
    var access =
        new KnowledgeAccess(
            new HybridClock(Clock.fixed(NOW, ZoneOffset.UTC)),
            key -> Optional.ofNullable(others.get(key)),
            CallLedger.FREE);
    long[] seen = new long[1];

    step(
        fresh(),
        access,
        k -> {
          seen[0] = ((GCounter) k.get("found").orElseThrow()).value();
          k.increment("found");
          k.removeFromSet("topics", "kafka");
          k.put("summary", "mine");
        });

    Map<String, Crdt> merged = merged();
    others.forEach((key, state) -> merged.merge(key, state, Crdt::merge));
    assertThat(seen[0]).isEqualTo(4);
    assertThat(((GCounter) merged.get("found")).value()).isEqualTo(5);
    assertThat(((OrSet) merged.get("topics")).value()).as("the observed add is removed").isEmpty();
    assertThat(((LwwRegister) merged.get("summary")).value())
        .as("written after the write it saw")
        .contains("mine");
  }

  @Test
  void aKeyKeepsItsTypeAndTheAgentCannotForgeAnUpdate() {
    var journal = fresh();
    step(journal, clockAt(NOW), k -> k.increment("found"));

    assertThatThrownBy(() -> step(journal, clockAt(NOW), k -> k.addToSet("found", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "knowledge key 'found' holds a g-counter, so it cannot take an update of type or-set");
    assertThatThrownBy(() -> step(journal, clockAt(NOW), k -> k.increment("found", -1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> step(journal, clockAt(NOW), k -> k.increment("no spaces")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("knowledge key may only contain");
    var draft = journal.begin(ORIGIN);
    assertThatThrownBy(() -> draft.append(KnowledgeDelta.DECISION, "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use update()");
  }
}
