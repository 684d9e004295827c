package io.conclave.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a benchmark has the stack's children's output relayed, as {@code conclave dev} relays it (a
 * line each, prefixed with the child's name), so that the launcher does the same work: each line is
 * written on to {@code sink} (a log file), and the lines that tell of a member losing its work are
 * counted and those telling of a take-over kept with the time they came.
 *
 * <p>Thread-safe: each child's output is copied by a thread of its own.
 */
final class RelayedLines extends PrintStream {
  /**
   * What a service logs when its work moves: fenced by a newer owner, a transaction aborted, a
   * shard leadership lost or handed over, partitions newly owned (every rebalance that moves any),
   * a Kafka Streams task of the projections migrated or corrupted. Outside a take-over, any of them
   * is a disturbance.
   */
  static final Pattern DISTURBANCE =
      Pattern.compile(
          "fenced|ProducerFenced|InvalidProducerEpoch|lost the leadership"
              + "|no longer leader|now owns partitions|aborted \\(|TaskMigrated|TaskCorrupted");

  private static final Pattern OWNS =
      Pattern.compile("^\\[([\\w-]+)] .*?([\\w-]+): now owns partitions");

  /**
   * A child's loop took partitions over (fenced their last owner, rebuilt their state).
   *
   * @param child the child's name ({@code worker-2})
   * @param loop the loop's name ({@code worker-research})
   * @param at when the line came
   */
  record TakeOver(String child, String loop, Instant at) {}

  private final Clock clock;
  private final List<String> disturbances = new ArrayList<>();
  private final List<TakeOver> takeOvers = new ArrayList<>();

  RelayedLines(OutputStream sink, Clock clock) {
    super(sink, true);
    this.clock = clock;
  }

  @Override
  public synchronized void println(String line) {
    if (DISTURBANCE.matcher(line).find()) {
      disturbances.add(line);
      Matcher owns = OWNS.matcher(line);
      if (owns.find()) {
        takeOvers.add(new TakeOver(owns.group(1), owns.group(2), clock.instant()));
      }
    }
    super.println(line);
  }

  /** How many disturbance lines came so far. */
  synchronized int disturbances() {
    return disturbances.size();
  }

  /** The disturbance lines from the {@code from}-th on. */
  synchronized List<String> disturbancesFrom(int from) {
    return List.copyOf(
        disturbances.subList(Math.min(from, disturbances.size()), disturbances.size()));
  }

  /** The take-overs by {@code child} whose line came at or after {@code since}. */
  synchronized List<TakeOver> takeOvers(String child, Instant since) {
    return takeOvers.stream()
        .filter(t -> t.child().equals(child) && !t.at().isBefore(since))
        .toList();
  }
}
