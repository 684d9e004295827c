package io.conclave.launcher.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import picocli.CommandLine;

/**
 * How far a long command is ({@code replay}, {@code projections rebuild}, {@code bench}), as plain
 * lines on standard error, so that standard output stays the command's result for a pipe or a file.
 * Two kinds of line, each prefixed with the command's name:
 *
 * <ul>
 *   <li>a {@link #step step}: something happened (a scenario starts, offsets moved); always
 *       written;
 *   <li>a {@link #count count}: how far a loop is; written the first time, then at most once per
 *       interval and only when its text changed, so that a fast loop does not flood the terminal
 *       nor a slow one repeat itself.
 * </ul>
 *
 * Lines are never rewritten in place: the commands that report progress also print their result as
 * they go, and a line rewritten with {@code \r} would be torn by it on a terminal. {@link Quiet
 * --quiet} silences it all.
 *
 * <p>Thread-safe: a benchmark may report from its workers' threads.
 */
public final class Progress {
  /** How often a count may be written. */
  public static final Duration EVERY = Duration.ofSeconds(2);

  private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

  private final PrintStream err;
  private final Clock clock;
  private final Duration every;
  private final String prefix;
  private Instant lastCountAt;
  private String lastCount;

  /**
   * @param err where lines go
   * @param clock what the interval between counts is measured with
   * @param every the least time between two counts written
   * @param prefix what each line starts with, e.g. {@code replay}
   */
  Progress(PrintStream err, Clock clock, Duration every, String prefix) {
    this.err = Objects.requireNonNull(err, "err");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.every = Objects.requireNonNull(every, "every");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
  }

  /** Progress of the command {@code name} on standard error, a count every {@link #EVERY}. */
  public static Progress toStandardError(String name) {
    return new Progress(System.err, Clock.systemUTC(), EVERY, name);
  }

  /** Progress that writes nothing: what {@code --quiet} gives. */
  public static Progress silent() {
    return new Progress(NOWHERE, Clock.systemUTC(), EVERY, "");
  }

  /**
   * Progress of a part of this command, e.g. a scenario of {@code bench all}: its lines start with
   * this one's prefix, then {@code context}; it counts on its own interval.
   */
  public Progress within(String context) {
    return new Progress(err, clock, every, prefix.isEmpty() ? context : prefix + ": " + context);
  }

  /** Writes {@code text} as a line: something happened. */
  public synchronized void step(String text) {
    err.println(line(text));
  }

  /**
   * Writes {@code text} as a line if it is the first count, or changed and the last was written an
   * interval ago.
   */
  public synchronized void count(String text) {
    Instant now = clock.instant();
    if (text.equals(lastCount) || lastCountAt != null && now.isBefore(lastCountAt.plus(every))) {
      return;
    }
    lastCount = text;
    lastCountAt = now;
    err.println(line(text));
  }

  private String line(String text) {
    return prefix.isEmpty() ? text : prefix + ": " + text;
  }

  /**
   * {@code 12 400 / 50 000 records (24 %)}: {@code done} clamped to {@code total}, the percentage
   * rounded down.
   */
  public static String fraction(long done, long total, String unit) {
    long of = Math.max(0, total);
    long part = Math.max(0, Math.min(done, of));
    long percent = of == 0 ? 100 : (long) Math.floor(part * 100.0 / of);
    return number(part) + " / " + number(of) + " " + unit + " (" + percent + " %)";
  }

  /** A whole number with its thousands apart: {@code 12 400}. */
  public static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n).replace(',', ' ');
  }

  /** The {@code -q, --quiet} option of a command that reports progress (a picocli mixin). */
  public static final class Quiet {
    @CommandLine.Option(
        names = {"-q", "--quiet"},
        description = "no progress on standard error (standard output is the same)")
    boolean quiet;

    /** The command's progress: on standard error, or nowhere with {@code --quiet}. */
    public Progress progress(String name) {
      return quiet ? silent() : toStandardError(name);
    }
  }
}
