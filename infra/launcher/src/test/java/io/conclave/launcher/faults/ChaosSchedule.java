package io.conclave.launcher.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of a chaos run, derived from a seed alone: the same seed and duration give the same
 * kinds, order, times and targets, so a failing run can be run again.
 *
 * @param seed what the schedule was drawn from
 * @param faults in the order they are injected
 */
record ChaosSchedule(long seed, List<Fault> faults) {
  /**
   * How long a stopped broker stays down, and a paused process stays paused (beyond its 1 s session
   * timeout).
   */
  static final Duration BROKER_DOWN = Duration.ofSeconds(5);

  static final Duration PAUSE = Duration.ofSeconds(3);

  /** The time between two faults, at least: enough for the system to take the previous one over. */
  static final Duration SPACING = Duration.ofSeconds(11);

  enum Kind {
    KILL_WORKER,
    KILL_SHARD_LEADER,
    KILL_BROKER,
    PAUSE_PROCESS,
    RESTART_PROJECTIONS
  }

  /**
   * One fault.
   *
   * @param at from the start of the load
   * @param target which worker, shard, broker or process (an index the run maps onto what it has,
   *     modulo its count)
   */
  record Fault(Duration at, Kind kind, int target) {}

  ChaosSchedule {
    faults = List.copyOf(faults);
  }

  /**
   * Every kind once, in a seeded order, then seeded kinds for as long as {@code duration} leaves
   * room: the first fault once the services have warmed up under load (8 s), the others {@link
   * #SPACING} plus up to 3 s apart.
   */
  static ChaosSchedule of(long seed, Duration duration) {
    Random random = new Random(seed);
    List<Kind> kinds = new ArrayList<>(List.of(Kind.values()));
    Collections.shuffle(kinds, random);
    List<Fault> faults = new ArrayList<>();
    Duration at = Duration.ofSeconds(8);
    for (int i = 0; i == 0 || at.plus(SPACING).compareTo(duration) <= 0 || i < kinds.size(); i++) {
      Kind kind = i < kinds.size() ? kinds.get(i) : kinds.get(random.nextInt(kinds.size()));
      faults.add(new Fault(at, kind, random.nextInt(1_000)));
      at = at.plus(SPACING).plusMillis(random.nextInt(3_000));
    }
    return new ChaosSchedule(seed, faults);
  }

  /** When the last fault has been injected and has ended (a broker back, a process resumed). */
  Duration end() {
    Fault last = faults.get(faults.size() - 1);
    return last.at().plus(BROKER_DOWN);
  }
}
