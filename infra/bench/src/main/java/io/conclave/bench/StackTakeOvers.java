package io.conclave.bench;

import io.conclave.coordinator.Coordinator;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.dev.DevStack;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.worker.AgentWorker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.GroupState;

/**
 * Take-overs in a running {@link DevStack}: a worker or a shard leader (coordinator) is stopped,
 * gracefully (SIGTERM) or as kill -9 does (SIGKILL), and the time until the other process has taken
 * its work over is measured; then the stopped process is started again and the stack left as it was
 * (every group stable with all its members), so that trials can follow one another.
 *
 * <ul>
 *   <li>A worker's take-over ends when the other worker's loop of every agent type has logged that
 *       it owns the partitions it was given (it logs so once it has fenced their last owner and
 *       rebuilt their state), or, for a loop that was given none it did not own already, when its
 *       group is stable with the one member.
 *   <li>A shard leader's take-over ends when every shard it led has a new {@code LeaderElected},
 *       stamped by the successor once it has fenced the old leader and rebuilt the shard's state
 *       (as {@code bench failover} times it); the time is the latest of them.
 * </ul>
 */
final class StackTakeOvers {
  private static final Duration WAIT = Duration.ofSeconds(90);

  /**
   * How long a loop's take-over line is waited for once its group is stable: a loop given nothing
   * new logs none.
   */
  private static final Duration LINE_GRACE = Duration.ofSeconds(3);

  /**
   * How long a restarted process is given to take its share back once its group is stable, before
   * the next trial stops one: a take-over still under way would be timed with the next.
   */
  private static final Duration SETTLE = Duration.ofSeconds(2);

  /** What was stopped, and how. */
  enum Kind {
    WORKER_GRACEFUL("worker, graceful"),
    WORKER_KILLED("worker, kill -9"),
    LEADER_GRACEFUL("shard leader, graceful"),
    LEADER_KILLED("shard leader, kill -9");

    final String text;

    Kind(String text) {
      this.text = text;
    }

    boolean kill() {
      return this == WORKER_KILLED || this == LEADER_KILLED;
    }

    boolean worker() {
      return this == WORKER_GRACEFUL || this == WORKER_KILLED;
    }
  }

  private final DevStack stack;
  private final RelayedLines lines;
  private final Clock clock;
  private final ConclaveSettings settings;
  private final Leaders leaders;
  private final List<String> workerGroups;
  private final List<String> loops;
  private final String coordinatorGroup;

  StackTakeOvers(DevStack stack, RelayedLines lines, Clock clock) {
    this.stack = stack;
    this.lines = lines;
    this.clock = clock;
    this.settings = stack.settings();
    this.leaders = new Leaders(settings);
    this.workerGroups =
        settings.agentTypes().stream().map(t -> AgentWorker.groupId(settings, t)).toList();
    this.loops = settings.agentTypes().stream().map(t -> "worker-" + t).toList();
    this.coordinatorGroup = Coordinator.groupId(settings);
  }

  /**
   * Returns once every group of the stack is stable with all its members and every shard has a live
   * leader.
   */
  void awaitSettled() throws InterruptedException {
    ConsumerGroups.awaitStable(
        settings.kafka(), workerGroups, stack.children("worker-").size(), WAIT);
    ConsumerGroups.awaitStable(
        settings.kafka(), List.of(coordinatorGroup), stack.children("coordinator-").size(), WAIT);
    Set<Long> alive =
        new TreeSet<>(stack.children("coordinator-").stream().map(ChildProcess::pid).toList());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Map<Integer, LeaderElected> now = leaders.latest();
      if (now.size() == settings.partitions()
          && now.values().stream().allMatch(e -> alive.contains(pidOf(e)))) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the shards did not all have a live leader within " + WAIT + ": " + now);
      }
      Thread.sleep(100);
    }
  }

  /**
   * One trial: stops a process of {@code kind}, times its take-over (ms), restarts it and waits
   * until settled.
   */
  long trial(Kind kind) throws InterruptedException, ExecutionException {
    awaitSettled();
    long ms = kind.worker() ? worker(kind.kill()) : leader(kind.kill());
    awaitSettled();
    Thread.sleep(SETTLE.toMillis());
    return ms;
  }

  private long worker(boolean kill) throws InterruptedException, ExecutionException {
    List<ChildProcess> workers = stack.children("worker-");
    ChildProcess victim = workers.get(0);
    ChildProcess survivor = workers.get(1);
    Instant stopped = stop(victim, kill);
    long deadline = System.nanoTime() + WAIT.toNanos();
    Instant stable = null;
    try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
      while (true) {
        List<RelayedLines.TakeOver> taken = lines.takeOvers(survivor.name(), stopped);
        Set<String> done = new TreeSet<>(taken.stream().map(RelayedLines.TakeOver::loop).toList());
        if (stable == null && soleMember(admin)) {
          stable = clock.instant();
        }
        boolean allLogged = done.containsAll(loops);
        if (allLogged || stable != null && clock.instant().isAfter(stable.plus(LINE_GRACE))) {
          Instant end =
              taken.stream().map(RelayedLines.TakeOver::at).max(Instant::compareTo).orElse(stable);
          if (!allLogged && stable.isAfter(end)) {
            end = stable;
          }
          restart(victim);
          return Duration.between(stopped, end).toMillis();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the other worker did not take over within " + WAIT);
        }
        Thread.sleep(20);
      }
    }
  }

  /** Whether every worker group is stable with a single member. */
  private boolean soleMember(Admin admin) throws InterruptedException, ExecutionException {
    return admin.describeConsumerGroups(workerGroups).all().get().values().stream()
        .allMatch(d -> d.groupState() == GroupState.STABLE && d.members().size() == 1);
  }

  private long leader(boolean kill) throws InterruptedException {
    Map<Integer, LeaderElected> before = leaders.latest();
    long pid = pidOf(before.get(0));
    ChildProcess victim =
        stack.children("coordinator-").stream()
            .filter(c -> c.pid() == pid)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "shard 0's leader (pid " + pid + ") is not one of the stack's"));
    List<Integer> shards = new ArrayList<>();
    before.forEach(
        (shard, e) -> {
          if (pidOf(e) == pid) {
            shards.add(shard);
          }
        });
    Instant stopped = stop(victim, kill);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Map<Integer, LeaderElected> now = leaders.latest();
      if (shards.stream().allMatch(s -> now.get(s).epoch() > before.get(s).epoch())) {
        Instant last =
            shards.stream().map(s -> now.get(s).at()).max(Instant::compareTo).orElseThrow();
        restart(victim);
        return Duration.between(stopped, last).toMillis();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("shards " + shards + " had no new leader within " + WAIT);
      }
      Thread.sleep(20);
    }
  }

  private Instant stop(ChildProcess victim, boolean kill) {
    Instant at = clock.instant();
    if (kill) {
      victim.kill();
    } else {
      victim.requestStop();
    }
    return at;
  }

  /** Starts {@code victim} again once it is gone, as the stack started it. */
  private void restart(ChildProcess victim) {
    victim.awaitStop(30);
    stack.restart(victim);
  }

  /** The process id in a coordinator's member id ({@code coordinator-<pid>-<random>}). */
  private static long pidOf(LeaderElected e) {
    String[] parts = e.memberId().split("-");
    try {
      return parts.length >= 2 ? Long.parseLong(parts[1]) : -1;
    } catch (NumberFormatException notOurs) {
      return -1;
    }
  }
}
