package io.conclave.runtime.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a process's partition loops are alive, for a liveness probe: each has started and polls.
 * A loop that has not polled for longer than its consumer's {@code max.poll.interval.ms} is out of
 * its group anyway (its partitions went to the others), and one that stopped has broken down:
 * either is reason to restart the process. A loop still warming up (rebuilding agents before its
 * first poll) is given the same interval from its start. A pure decision over {@link Status}es read
 * at {@code now}.
 */
public sealed interface LoopHealth {
  /** Every loop is alive. */
  record Up(List<Status> loops) implements LoopHealth {
    public Up {
      loops = List.copyOf(loops);
    }
  }

  /** Some loop is not: {@code reasons} says which and why, one line each. */
  record Down(List<Status> loops, List<String> reasons) implements LoopHealth {
    public Down {
      loops = List.copyOf(loops);
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * One loop as it is now.
   *
   * @param startedAt when it was started; empty if not yet
   * @param lastPoll when it last returned from a poll; empty if never
   * @param stopped whether it has stopped (closed, or broken down)
   * @param maxPollInterval its consumer's {@code max.poll.interval.ms}
   * @param partitions the partitions it owns
   */
  record Status(
      String name,
      Optional<Instant> startedAt,
      Optional<Instant> lastPoll,
      boolean stopped,
      Duration maxPollInterval,
      List<Integer> partitions) {
    public Status {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(lastPoll, "lastPoll");
      Objects.requireNonNull(maxPollInterval, "maxPollInterval");
      partitions = List.copyOf(partitions);
    }
  }

  /** The health of {@code loops} at {@code now}. */
  static LoopHealth of(List<Status> loops, Instant now) {
    List<String> reasons = new ArrayList<>();
    for (Status loop : loops) {
      if (loop.stopped()) {
        reasons.add(loop.name() + " has stopped");
      } else if (loop.startedAt().isEmpty()) {
        reasons.add(loop.name() + " has not started");
      } else {
        Instant since = loop.lastPoll().orElse(loop.startedAt().get());
        Duration silent = Duration.between(since, now);
        if (silent.compareTo(loop.maxPollInterval()) > 0) {
          reasons.add(
              loop.name()
                  + (loop.lastPoll().isPresent()
                      ? " last polled "
                      : " has not polled since its start ")
                  + silent.toSeconds()
                  + " s ago, more than max.poll.interval.ms ("
                  + loop.maxPollInterval().toSeconds()
                  + " s)");
        }
      }
    }
    return reasons.isEmpty() ? new Up(loops) : new Down(loops, reasons);
  }
}
