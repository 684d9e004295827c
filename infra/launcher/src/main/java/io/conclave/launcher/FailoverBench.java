package io.conclave.launcher;

import io.conclave.core.LeaderElected;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.ConclaveTopics;
import io.conclave.kafka.GroupTimings;
import io.conclave.kafka.TopicProvisioner;
import io.conclave.kafka.TopicScan;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.schemas.SchemaCatalog;
import io.conclave.testkit.EmbeddedKafka;
import io.conclave.testkit.RegistryServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Leader failover of one shard between coordinator processes: the time from stopping the leader (SIGTERM, or
 * SIGKILL as kill -9 does) to its successor's {@code LeaderElected}, which is stamped once the successor has fenced
 * the old leader and rebuilt the shard's state, i.e. when it can lead. Each trial starts a fresh standby process,
 * waits until it has joined the group, then stops the leader.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Shard leader failover time between coordinator processes, graceful and kill -9.")
final class FailoverBench implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Option(names = "--trials", defaultValue = "10", description = "trials per mode (default: ${DEFAULT-VALUE})")
  int trials;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (trials < 1) {
      throw new IllegalArgumentException("--trials must be at least 1");
    }
    Path runDir = Files.createTempDirectory("conclave-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
         RegistryServer registry = RegistryServer.start(runDir.resolve("registry.log"))) {
      ConclaveSettings settings = ConclaveSettings.fromEnvironment()
          .withEndpoints(kafka.bootstrapServers(), registry.url())
          .withTopicPrefix("bench-failover")
          .withPartitions(1);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        new TopicProvisioner(admin).ensureOrThrow(ConclaveTopics.declarations(settings));
      }
      SchemaCatalog.registerAll(settings);
      GroupTimings g = settings.groups();
      out.printf("failover of 1 shard between coordinator processes, %d trials per mode%n", trials);
      out.printf("settings: group.protocol=classic, assignor=cooperative-sticky, session.timeout.ms=%d, "
          + "heartbeat.interval.ms=%d, broker group.initial.rebalance.delay.ms=0%n",
          g.sessionTimeout().toMillis(), g.heartbeat().toMillis());
      var run = new Run(settings);
      List<Long> graceful = new ArrayList<>();
      List<Long> killed = new ArrayList<>();
      try {
        run.leader = run.startCoordinator();
        run.awaitLeaderOtherThan(null);
        for (int i = 0; i < trials; i++) {
          graceful.add(run.trial(false));
          killed.add(run.trial(true));
          out.printf("trial %2d: graceful %5d ms   kill -9 %5d ms%n", i + 1, graceful.get(i), killed.get(i));
        }
      } finally {
        run.stopAll();
      }
      out.println();
      out.printf("%-10s %8s %8s %8s%n", "mode", "median", "min", "max");
      print("graceful", graceful);
      print("kill -9", killed);
      out.printf("targets: graceful <= 300 ms, kill -9 <= 1500 ms%n");
    }
    return 0;
  }

  private void print(String mode, List<Long> ms) {
    List<Long> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    out.printf("%-10s %6d ms %5d ms %5d ms%n", mode, median, sorted.get(0), sorted.get(sorted.size() - 1));
  }

  /** The coordinator processes of a run and what they announced. */
  private final class Run {
    private final ConclaveSettings settings;
    private final Deserializer<LeaderElected> reader;
    private final List<ChildProcess> all = new ArrayList<>();
    private final PrintStream quiet = Boolean.getBoolean("conclave.bench.verbose") ? System.out
        : new PrintStream(java.io.OutputStream.nullOutputStream());
    ChildProcess leader;

    Run(ConclaveSettings settings) {
      this.settings = settings;
      this.reader = new ConclaveSerdes(settings.registry()).leaderElected().deserializer();
    }

    ChildProcess startCoordinator() {
      ChildProcess c = ChildProcess.start("coordinator", "io.conclave.coordinator.Coordinator",
          settings.withAutoRegister(false).asSystemProperties(), quiet);
      all.add(c);
      return c;
    }

    /** One failover: a new standby joins, the leader is stopped, the standby's announcement is timed. */
    long trial(boolean kill) throws InterruptedException {
      LeaderElected before = latest().orElseThrow();
      ChildProcess standby = startCoordinator();
      awaitMembers(2);
      long stoppedAt = System.currentTimeMillis();
      if (kill) {
        ProcessHandle.of(leader.pid()).ifPresent(ProcessHandle::destroyForcibly);
      } else {
        ProcessHandle.of(leader.pid()).ifPresent(ProcessHandle::destroy);
      }
      LeaderElected after = awaitLeaderOtherThan(before);
      leader.awaitStop(30);
      leader = standby;
      return after.at().toEpochMilli() - stoppedAt;
    }

    LeaderElected awaitLeaderOtherThan(LeaderElected previous) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        Optional<LeaderElected> now = latest();
        if (now.isPresent() && (previous == null || now.get().epoch() > previous.epoch())) {
          return now.get();
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("no new leader within " + WAIT);
    }

    private void awaitMembers(int count) throws InterruptedException {
      String group = settings.topics().prefix() + "-coordinator";
      long deadline = System.nanoTime() + WAIT.toNanos();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
        while (System.nanoTime() < deadline) {
          try {
            var d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            if (d.members().size() >= count && d.groupState() == org.apache.kafka.common.GroupState.STABLE) {
              return;
            }
          } catch (java.util.concurrent.ExecutionException e) {
            // group not there yet
          }
          Thread.sleep(50);
        }
      }
      throw new IllegalStateException("the standby did not join the group within " + WAIT);
    }

    private Optional<LeaderElected> latest() {
      String topic = settings.topics().leadership();
      LeaderElected[] last = {null};
      TopicScan.scan(settings.bootstrapServers(), new TopicPartition(topic, 0), 0, -1,
          r -> last[0] = reader.deserialize(topic, r.value()));
      return Optional.ofNullable(last[0]);
    }

    void stopAll() {
      all.forEach(ChildProcess::requestStop);
      all.forEach(c -> c.awaitStop(20));
    }
  }
}
