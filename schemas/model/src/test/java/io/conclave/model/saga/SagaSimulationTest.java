package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.conclave.model.saga.SagaState.CompensationStatus;
import io.conclave.model.saga.SagaState.Status;
import io.conclave.model.saga.SagaState.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The whole saga choreography in memory, without Kafka: the saga's partition of
 * conclave.saga-events is a list, commands wait in an inbox, workers run any command in any order
 * (so parallel branches interleave at random) and decide with their command's slip only, a human
 * approves, rejects or stays silent, and the shard leader folds every event (some twice, some again
 * much later) into a {@link SagaState} and applies {@link SagaSupervisor#due} after each one and
 * whenever its timer fires on a fake clock; now and then the shard fails over to a leader that
 * rebuilds the state from the log.
 *
 * <p>Steps fail at random; some workers stall until their step's deadline has passed (and then drop
 * the command, as {@link StepCommand#isLate} tells them); compensations fail a few times before
 * they succeed, or on every attempt.
 *
 * <p>Two assumptions are built in. The clock only moves while the leader has folded everything
 * written so far: it stands for "the leader's consumer lag is below the grace"; otherwise the
 * leader can fail a step for its deadline while the worker's completion is already in the log, and
 * both the worker's next commands and the leader's compensation go out (the fold keeps the first
 * outcome, but commands already written stay written). And a command is run once: workers consume
 * and produce in one Kafka transaction, so only events are delivered more than once.
 *
 * <p>A failure prints the plan, the world's seed and the end of the trace, and QuickTheories prints
 * its own seed: {@code qt().withFixedSeed(...)} with that seed replays the whole run.
 */
class SagaSimulationTest {
  private static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");
  private static final LeaderStamp LEADER = new LeaderStamp(3, 7);
  private static final int ALWAYS = Integer.MAX_VALUE;
  private static final int MAX_MOVES = 20_000;

  enum Verdict {
    APPROVE,
    REJECT,
    SILENT
  }

  /**
   * How the world treats one step, fixed before the run.
   *
   * @param undoFailures how many attempts of its compensation fail before one succeeds ({@link
   *     #ALWAYS}: all)
   */
  record Behaviour(
      boolean fails, boolean stalls, int undoFailures, Verdict verdict, boolean secondOpinion) {}

  /**
   * Which paths worth checking one run took, counted over all runs: a property that never takes
   * them proves little.
   */
  record Paths(
      Status end,
      boolean join,
      boolean leaderSettledLastBranch,
      boolean deadlinePassed,
      boolean approvalFailed,
      boolean compensationRetried) {}

  @Test
  void everySagaEndsAndUndoesWhatRanOnceInReverse() {
    List<Paths> runs = new ArrayList<>();
    qt().withExamples(400)
        .forAll(SagaPlans.plans(6), longs().all())
        .checkAssert(
            (plan, seed) -> {
              // given
              World world = new World(plan, new Random(seed));

              // when
              world.run();

              // then
              world.assertInvariants();
              runs.add(world.paths());
            });

    String report =
        runs.size()
            + " runs, ends "
            + runs.stream().collect(Collectors.groupingBy(Paths::end, Collectors.counting()));
    assertPath(runs, "parallel join", Paths::join, 20, report);
    assertPath(
        runs,
        "leader settles the last branch of a stage",
        Paths::leaderSettledLastBranch,
        2,
        report);
    assertPath(runs, "deadline passed", Paths::deadlinePassed, 10, report);
    assertPath(runs, "approval rejected or timed out", Paths::approvalFailed, 5, report);
    assertPath(runs, "compensation retried", Paths::compensationRetried, 10, report);
    for (Status s : List.of(Status.COMPLETED, Status.COMPENSATED, Status.FAILED)) {
      assertThat(percent(runs, r -> r.end() == s)).as("end " + s + "; " + report).isGreaterThan(10);
    }
  }

  private static void assertPath(
      List<Paths> runs, String name, Predicate<Paths> taken, double atLeastPercent, String report) {
    assertThat(percent(runs, taken))
        .as(name + "; " + report)
        .isGreaterThanOrEqualTo(atLeastPercent);
  }

  private static double percent(List<Paths> runs, Predicate<Paths> taken) {
    return 100.0 * runs.stream().filter(taken).count() / runs.size();
  }

  /** The saga's partition, the inboxes, the workers, the human, the leader and the clock. */
  private static final class World {
    final List<SagaStep> plan;
    final Random random;
    final Behaviour[] behaviour;
    final Duration grace;
    Instant now = T0;

    final List<SagaEvent> log = new ArrayList<>();
    int consumed; // the leader's position in the log
    SagaState state;

    final List<Object> inbox = new ArrayList<>(); // StepCommand or CompensateCommand, not yet run
    final List<Integer> awaitingHuman = new ArrayList<>();
    final List<CompensateCommand> deadLetters = new ArrayList<>();
    final int[] stepCommands;
    final int[] approvalRequests;
    final int[] undoAttempts;
    final int[] undone;
    final List<String> trace = new ArrayList<>();
    boolean leaderSettledLastBranch;

    World(List<SagaStep> plan, Random random) {
      this.plan = plan;
      this.random = random;
      this.grace = Duration.ofMillis(random.nextInt(3) * 500L);
      int n = plan.size();
      behaviour = new Behaviour[n];
      for (int i = 0; i < n; i++) {
        SagaStep s = plan.get(i);
        boolean deadline = s.policy().hasDeadline();
        Verdict verdict =
            deadline && random.nextInt(4) == 0
                ? Verdict.SILENT
                : random.nextInt(3) == 0 ? Verdict.REJECT : Verdict.APPROVE;
        int maxAttempts = s.policy().maxAttempts();
        int undoFailures = random.nextInt(4) == 0 ? ALWAYS : random.nextInt(maxAttempts);
        behaviour[i] =
            new Behaviour(
                random.nextInt(5) == 0,
                deadline && random.nextInt(4) == 0,
                undoFailures,
                verdict,
                random.nextBoolean());
      }
      stepCommands = new int[n];
      approvalRequests = new int[n];
      undoAttempts = new int[n];
      undone = new int[n];
      state = SagaState.empty("saga-1", "task-1");
    }

    void run() {
      write(
          SagaMoves.start(RoutingSlip.start("saga-1", "task-1", "the prompt", plan), LEADER, now),
          true);
      for (int moves = 0; moves < MAX_MOVES; moves++) {
        List<Object> runnable = inbox.stream().filter(this::canRun).toList();
        List<Integer> decidable =
            awaitingHuman.stream().filter(i -> behaviour[i].verdict() != Verdict.SILENT).toList();
        boolean caughtUp = consumed == log.size();
        if (runnable.isEmpty() && decidable.isEmpty() && caughtUp) {
          // only the clock can move the world on: jump to when the leader says it must look again,
          // or to when a stalled worker finds its command late
          Instant next = wakeUp();
          if (next == null) {
            return;
          }
          if (next.equals(SagaSupervisor.nextCheck(state, grace))) {
            assertThat(SagaSupervisor.due(state, next.minusNanos(1), grace, LEADER).isEmpty())
                .as(() -> "nothing due before nextCheck " + next + ": " + state)
                .isTrue();
            assertThat(SagaSupervisor.due(state, next, grace, LEADER).isEmpty())
                .as(() -> "something due at nextCheck " + next + ": " + state)
                .isFalse();
          }
          tick(next);
          continue;
        }
        // workers and the leader's reading are listed twice: they are what moves a saga on
        List<Runnable> enabled = new ArrayList<>();
        if (!runnable.isEmpty()) {
          Object command = runnable.get(random.nextInt(runnable.size()));
          enabled.add(() -> work(command));
          enabled.add(() -> work(command));
        }
        if (!caughtUp) {
          enabled.add(this::consume);
          enabled.add(this::consume);
        } else {
          enabled.add(() -> tick(now.plusMillis(random.nextInt(1_500))));
        }
        if (!decidable.isEmpty()) {
          enabled.add(() -> decide(decidable.get(random.nextInt(decidable.size()))));
        }
        if (consumed > 0) {
          enabled.add(this::redeliver);
        }
        if (random.nextInt(10) == 0) {
          enabled.add(this::failover);
        }
        enabled.get(random.nextInt(enabled.size())).run();
      }
      throw new AssertionError("no end after " + MAX_MOVES + " moves: " + state + "\n" + tail());
    }

    String tail() {
      return String.join("\n", trace.subList(Math.max(0, trace.size() - 80), trace.size()));
    }

    Instant wakeUp() {
      Instant next = SagaSupervisor.nextCheck(state, grace);
      for (Object o : inbox) {
        if (o instanceof StepCommand c && c.deadline().isPresent()) {
          Instant late = c.deadline().get().plusNanos(1);
          next = next == null || late.isBefore(next) ? late : next;
        }
      }
      return next;
    }

    boolean canRun(Object command) {
      return !(command instanceof StepCommand c)
          || !behaviour[c.stepIndex()].stalls()
          || c.isLate(now);
    }

    /** A worker runs a command: it knows only what the command carries. */
    void work(Object command) {
      inbox.remove(command);
      if (command instanceof StepCommand c) {
        if (c.isLate(now)) {
          trace.add(now + " worker drops late step " + c.stepIndex());
          return;
        }
        int i = c.stepIndex();
        StepOutcome outcome =
            behaviour[i].fails()
                ? new StepOutcome.Failed(i, "agent " + i + " gave up")
                : new StepOutcome.Completed(i, "output of " + i);
        trace.add(now + " worker " + outcome);
        write(
            SagaMoves.after(
                SagaDecider.decide(c.slip(), outcome), outcome, true, false, c.origin(), now),
            false);
      } else {
        CompensateCommand c = (CompensateCommand) command;
        int i = c.stepIndex();
        undoAttempts[i]++;
        if (undoAttempts[i] <= behaviour[i].undoFailures()) {
          trace.add(now + " worker fails to undo " + i + " attempt " + c.attempt());
          write(SagaMoves.compensationFailed(c, "undo " + i + " failed", now), false);
        } else {
          undone[i]++;
          trace.add(now + " worker undoes " + i + " attempt " + c.attempt());
          write(SagaMoves.compensated(c, now), false);
        }
      }
    }

    /**
     * The approvals endpoint: a human decides, and sometimes a second human changes their mind too
     * late.
     */
    void decide(int step) {
      awaitingHuman.remove(Integer.valueOf(step));
      boolean approved = behaviour[step].verdict() == Verdict.APPROVE;
      trace.add(now + " human " + (approved ? "approves " : "rejects ") + step);
      write(
          new SagaMoves(List.of(decided(step, approved)), List.of(), List.of(), List.of()), false);
      if (behaviour[step].secondOpinion()) {
        write(
            new SagaMoves(List.of(decided(step, !approved)), List.of(), List.of(), List.of()),
            false);
      }
    }

    SagaEvent.ApprovalDecided decided(int step, boolean approved) {
      return new SagaEvent.ApprovalDecided(
          "saga-1", "task-1", step, approved, "editor", approved ? "" : "no", now);
    }

    /** The leader reads the next event of the log (sometimes twice in a row) and acts on it. */
    void consume() {
      SagaEvent e = log.get(consumed++);
      fold(e);
      if (random.nextInt(5) == 0) {
        fold(e);
      }
      supervise();
    }

    /** At-least-once: an event the leader has folded comes again, long after. */
    void redeliver() {
      fold(log.get(random.nextInt(consumed)));
      supervise();
    }

    /**
     * The shard moves to another member: it folds the saga's events up to the end of the log, and
     * only then acts. (Acting on a prefix would decide again what the old leader decided further
     * on: a join, a retry.)
     */
    void failover() {
      trace.add(now + " failover at " + log.size());
      state = SagaState.of(log);
      consumed = log.size();
      supervise();
    }

    void tick(Instant to) {
      now = to;
      trace.add(now + " tick");
      supervise();
    }

    /**
     * The leader writes what is due and folds its own events at once; it reads them again from the
     * log later.
     */
    void supervise() {
      for (int i = 0; i < 1_000; i++) {
        SagaMoves moves = SagaSupervisor.due(state, now, grace, LEADER);
        if (moves.isEmpty()) {
          return;
        }
        trace.add(now + " leader " + moves.events());
        leaderSettledLastBranch |=
            moves.events().stream().anyMatch(e -> e instanceof SagaEvent.Joined)
                && moves.events().stream()
                    .anyMatch(
                        e ->
                            e instanceof SagaEvent.StepCompleted
                                || e instanceof SagaEvent.StepFailed);
        write(moves, true);
      }
      throw new AssertionError("the leader keeps finding something due: " + state);
    }

    void fold(SagaEvent e) {
      state = state.apply(e);
    }

    void write(SagaMoves moves, boolean byLeader) {
      for (SagaEvent e : moves.events()) {
        log.add(e);
        if (e instanceof SagaEvent.ApprovalRequested r) {
          approvalRequests[r.stepIndex()]++;
          awaitingHuman.add(r.stepIndex());
        }
      }
      for (StepCommand c : moves.commands()) {
        stepCommands[c.stepIndex()]++;
      }
      inbox.addAll(moves.commands());
      inbox.addAll(moves.compensations());
      deadLetters.addAll(moves.parked());
      if (byLeader) {
        moves.events().forEach(this::fold);
      }
    }

    void assertInvariants() {
      String context = "plan " + plan + "\ntrace:\n" + tail() + "\nstate " + state;
      int n = plan.size();

      // every saga ends, with one end event, and nothing left running
      assertThat(state.status().isFinished()).as(context).isTrue();
      assertThat(count(SagaEvent.Completed.class) + count(SagaEvent.Aborted.class))
          .as(context)
          .isEqualTo(1);
      assertThat(state.steps())
          .as(context)
          .noneMatch(
              s -> s.status() == StepStatus.RUNNING || s.status() == StepStatus.AWAITING_APPROVAL);

      // no step dispatched twice, and a step ran (or was decided) only if it was dispatched
      for (int i = 0; i < n; i++) {
        SagaState.StepState s = state.steps().get(i);
        int dispatched = stepCommands[i] + approvalRequests[i];
        assertThat(dispatched).as(context + "\nstep " + i + " dispatched").isLessThanOrEqualTo(1);
        assertThat(dispatched == 1)
            .as(context + "\nstep " + i + " dispatched")
            .isEqualTo(s.status() != StepStatus.PENDING);
        assertThat(plan.get(i).isApproval() ? stepCommands[i] : approvalRequests[i])
            .as(context)
            .isZero();
        assertThat(outcomeEvents(i)).as(context + "\noutcomes of step " + i).isLessThanOrEqualTo(1);
      }

      if (state.status() == Status.COMPLETED) {
        assertThat(state.steps())
            .as(context)
            .allMatch(
                s ->
                    s.status() == StepStatus.COMPLETED
                        && s.compensation() == CompensationStatus.NONE);
        for (int i = 0; i < n; i++) {
          assertThat(outcomeEvents(i)).as(context).isEqualTo(1);
        }
        assertThat(undoAttempts).as(context).containsOnly(0);
        assertThat(count(SagaEvent.Compensated.class)).as(context).isZero();
      } else {
        List<Integer> due = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
          if (state.steps().get(i).isSettled() && plan.get(i).hasCompensation()) {
            due.add(i);
          }
        }
        // every settled step with a compensation was undone or parked, exactly once, highest index
        // first
        List<Integer> ends =
            log.stream()
                .filter(
                    e ->
                        e instanceof SagaEvent.Compensated
                            || e instanceof SagaEvent.CompensationParked)
                .map(SagaSimulationTest::stepOf)
                .toList();
        assertThat(ends).as(context).isEqualTo(due);
        assertThat(state.compensationOrder()).as(context).isEqualTo(due);
        for (int i = 0; i < n; i++) {
          CompensationStatus c = state.steps().get(i).compensation();
          int maxAttempts = plan.get(i).policy().maxAttempts();
          if (!due.contains(i)) {
            assertThat(c).as(context).isEqualTo(CompensationStatus.NONE);
            assertThat(undoAttempts[i]).as(context).isZero();
          } else if (behaviour[i].undoFailures() < maxAttempts) {
            assertThat(c).as(context + "\nstep " + i).isEqualTo(CompensationStatus.DONE);
            assertThat(undone[i]).as(context).isEqualTo(1);
            assertThat(undoAttempts[i]).as(context).isEqualTo(behaviour[i].undoFailures() + 1);
          } else {
            assertThat(c).as(context + "\nstep " + i).isEqualTo(CompensationStatus.PARKED);
            assertThat(undone[i]).as(context).isZero();
            assertThat(undoAttempts[i]).as(context).isEqualTo(maxAttempts);
          }
        }
        List<Integer> parked =
            due.stream()
                .filter(i -> state.steps().get(i).compensation() == CompensationStatus.PARKED)
                .toList();
        assertThat(deadLetters.stream().map(CompensateCommand::stepIndex).toList())
            .as(context)
            .isEqualTo(parked);
        assertThat(state.status() == Status.FAILED).as(context).isEqualTo(!parked.isEmpty());
      }

      // the leader's fold (duplicates, its own events folded ahead of its reading them) is the fold
      // of the log, which is also the fold of the log with every event delivered twice, or again
      // later
      assertThat(state).as(context).isEqualTo(SagaState.of(log));
      List<SagaEvent> twice = new ArrayList<>();
      log.forEach(
          e -> {
            twice.add(e);
            twice.add(e);
          });
      assertThat(SagaState.of(twice)).as(context).isEqualTo(state);
      List<SagaEvent> redelivered = new ArrayList<>();
      for (SagaEvent e : log) {
        redelivered.add(e);
        if (random.nextInt(3) == 0) {
          redelivered.add(redelivered.get(random.nextInt(redelivered.size())));
        }
      }
      assertThat(SagaState.of(redelivered)).as(context).isEqualTo(state);
    }

    Paths paths() {
      return new Paths(
          state.status(),
          count(SagaEvent.Joined.class) > 0,
          leaderSettledLastBranch,
          log.stream()
              .anyMatch(
                  e -> e instanceof SagaEvent.StepFailed f && f.error().startsWith("deadline")),
          log.stream()
              .anyMatch(
                  e ->
                      e instanceof SagaEvent.StepFailed f
                          && f.agentType().equals(SagaStep.APPROVAL)),
          count(SagaEvent.CompensationRetried.class) > 0);
    }

    long count(Class<? extends SagaEvent> type) {
      return log.stream().filter(type::isInstance).count();
    }

    long outcomeEvents(int step) {
      return log.stream()
          .filter(
              e ->
                  (e instanceof SagaEvent.StepCompleted || e instanceof SagaEvent.StepFailed)
                      && stepOf(e) == step)
          .count();
    }
  }

  private static int stepOf(SagaEvent e) {
    if (e instanceof SagaEvent.StepCompleted c) {
      return c.stepIndex();
    }
    if (e instanceof SagaEvent.StepFailed f) {
      return f.stepIndex();
    }
    if (e instanceof SagaEvent.Compensated c) {
      return c.stepIndex();
    }
    if (e instanceof SagaEvent.CompensationParked p) {
      return p.stepIndex();
    }
    throw new IllegalArgumentException("no step: " + e);
  }
}
