package io.conclave.bench;

import io.conclave.launcher.Medians;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.GroupTimings;
import io.conclave.testkit.ConclaveStack;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Leader failover of one shard between coordinator processes: the time from stopping the leader
 * (SIGTERM, or SIGKILL as kill -9 does) to its successor's {@code LeaderElected}, which is stamped
 * once the successor has fenced the old leader and rebuilt the shard's state, i.e. when it can
 * lead. Each trial starts a fresh standby process, waits until it has joined the group, then stops
 * the leader.
 */
@Command(
    name = "failover",
    mixinStandardHelpOptions = true,
    description = "Shard leader failover time between coordinator processes, graceful and kill -9.")
final class FailoverBench extends StackBenchmark {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Option(
      names = "--trials",
      defaultValue = "10",
      description = "trials per mode (default: ${DEFAULT-VALUE})")
  int trials;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (trials < 1) {
      throw new IllegalArgumentException("--trials must be at least 1");
    }
    try (ConclaveStack stack = openStack()) {
      ConclaveSettings settings =
          stack.prepare(
              ConclaveSettings.fromEnvironment()
                  .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                  .withTopicPrefix("bench-failover")
                  .withPartitions(1));
      GroupTimings g = settings.groups();
      out.printf("failover of 1 shard between coordinator processes, %d trials per mode%n", trials);
      out.printf(
          "settings: group.protocol=classic, assignor=cooperative-sticky, session.timeout.ms=%d, "
              + "heartbeat.interval.ms=%d, broker group.initial.rebalance.delay.ms=0%n",
          g.sessionTimeout().toMillis(), g.heartbeat().toMillis());
      Members conclave = new ConclaveMembers(settings);
      Members raw = new RawMembers(settings);
      List<Long> graceful = new ArrayList<>();
      List<Long> killed = new ArrayList<>();
      List<Long> rawGraceful = new ArrayList<>();
      List<Long> rawKilled = new ArrayList<>();
      try {
        conclave.begin();
        raw.begin();
        for (int i = 0; i < trials; i++) {
          progress()
              .step(nth("trial", i + 1, trials) + ": graceful and kill -9, conclave and raw Kafka");
          graceful.add(conclave.trial(false));
          killed.add(conclave.trial(true));
          rawGraceful.add(raw.trial(false));
          rawKilled.add(raw.trial(true));
          out.printf(
              "trial %2d: conclave graceful %5d ms, kill -9 %5d ms | raw Kafka graceful %5d ms, kill -9 %5d ms%n",
              i + 1, graceful.get(i), killed.get(i), rawGraceful.get(i), rawKilled.get(i));
        }
      } finally {
        conclave.stopAll();
        raw.stopAll();
      }
      out.println();
      out.printf(
          "%-10s %-9s %8s %8s %8s %14s%n", "mode", "", "median", "min", "max", "median ratio");
      print("graceful", graceful, rawGraceful, 300);
      print("kill -9", killed, rawKilled, 1500);
      out.println(
          "conclave = until the new leader has fenced the old one, rebuilt the shard's state and announced "
              + "itself; raw Kafka = until a bare consumer is assigned the partition (same group settings)");
      out.printf("targets: graceful <= 300 ms, kill -9 <= 1500 ms%n");
    }
    return 0;
  }

  private void print(String mode, List<Long> conclave, List<Long> raw, long targetMs) {
    figures.add(
        BenchFigure.compared(
            "failover",
            "handover, " + mode,
            "ms",
            conclave,
            raw,
            Optional.of(BenchFigure.Target.atMost(targetMs, "ms"))));
    long median = Math.round(Medians.of(conclave));
    long rawMedian = Math.round(Medians.of(raw));
    out.printf(
        "%-10s %-9s %5d ms %5d ms %5d ms %14s%n",
        mode,
        "conclave",
        median,
        Collections.min(conclave),
        Collections.max(conclave),
        String.format("%.2f x raw", (double) median / Math.max(1, rawMedian)));
    out.printf(
        "%-10s %-9s %5d ms %5d ms %5d ms%n",
        "", "raw Kafka", rawMedian, Collections.min(raw), Collections.max(raw));
  }

  /**
   * Group members of one kind. A trial starts a fresh standby, waits until it has joined, stops the
   * leader (SIGTERM, or SIGKILL as kill -9 does) and times the standby's take-over.
   */
  private abstract class Members {
    final ConclaveSettings settings;
    final List<ChildProcess> all = new ArrayList<>();
    ChildProcess leader;

    Members(ConclaveSettings settings) {
      this.settings = settings;
    }

    abstract String group();

    abstract ChildProcess start();

    /** Epoch millis at which {@code standby} took the partition over (waits for it). */
    abstract long takeOverAt(ChildProcess standby) throws InterruptedException;

    void begin() throws InterruptedException {
      leader = start();
      takeOverAt(leader);
    }

    long trial(boolean kill) throws InterruptedException {
      ChildProcess standby = start();
      awaitMembers(2);
      long stoppedAt = System.currentTimeMillis();
      ProcessHandle.of(leader.pid())
          .ifPresent(kill ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
      long tookOver = takeOverAt(standby);
      leader.awaitStop(30);
      leader = standby;
      return tookOver - stoppedAt;
    }

    private void awaitMembers(int count) throws InterruptedException {
      ConsumerGroups.awaitStable(settings.kafka(), List.of(group()), count, WAIT);
    }

    void stopAll() {
      all.forEach(ChildProcess::requestStop);
      all.forEach(c -> c.awaitStop(20));
    }
  }

  /** Coordinator processes: a take-over is the standby's LeaderElected. */
  private final class ConclaveMembers extends Members {
    private final Leaders leaders;
    private final PrintStream output =
        Boolean.getBoolean("conclave.bench.verbose")
            ? System.out
            : new PrintStream(OutputStream.nullOutputStream());
    private long lastEpoch;

    ConclaveMembers(ConclaveSettings settings) {
      super(settings);
      this.leaders = new Leaders(settings);
    }

    @Override
    String group() {
      return settings.topics().prefix() + "-coordinator";
    }

    @Override
    ChildProcess start() {
      ChildProcess c =
          ChildProcess.start(
              "coordinator",
              "io.conclave.coordinator.Coordinator",
              settings.withAutoRegister(false).asSystemProperties(),
              settings.kafkaSecurity(),
              List.of(),
              output);
      all.add(c);
      return c;
    }

    @Override
    long takeOverAt(ChildProcess standby) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        Optional<LeaderElected> now = Optional.ofNullable(leaders.latest().get(0)); // the one shard
        if (now.isPresent() && now.get().epoch() > lastEpoch) {
          lastEpoch = now.get().epoch();
          return now.get().at().toEpochMilli();
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("no new leader within " + WAIT);
    }
  }

  /** Bare consumers ({@link RawGroupMember}): a take-over is the standby's partition assignment. */
  private final class RawMembers extends Members {
    private final Map<ChildProcess, BlockingQueue<String>> lines = new HashMap<>();

    RawMembers(ConclaveSettings settings) {
      super(settings);
    }

    @Override
    String group() {
      return settings.topics().prefix() + "-raw";
    }

    @Override
    ChildProcess start() {
      BlockingQueue<String> queue = new LinkedBlockingQueue<>();
      PrintStream capture =
          new PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void println(String line) {
              queue.add(line);
            }
          };
      List<String> props = new ArrayList<>(settings.asSystemProperties());
      ChildProcess c =
          ChildProcess.start(
              "raw",
              RawGroupMember.class.getName(),
              props,
              settings.kafkaSecurity(),
              List.of(settings.topics().tasks(), group()),
              capture);
      lines.put(c, queue);
      all.add(c);
      return c;
    }

    @Override
    long takeOverAt(ChildProcess standby) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      BlockingQueue<String> queue = lines.get(standby);
      while (System.nanoTime() < deadline) {
        String line = queue.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith("[raw] ASSIGNED ")) {
          return Long.parseLong(line.substring("[raw] ASSIGNED ".length()).trim());
        }
      }
      throw new IllegalStateException("the raw standby was not assigned within " + WAIT);
    }
  }
}
