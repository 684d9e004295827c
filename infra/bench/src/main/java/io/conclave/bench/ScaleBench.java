package io.conclave.bench;

import io.conclave.coordinator.Coordinator;
import io.conclave.launcher.Medians;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.worker.AgentWorker;
import io.conclave.worker.Agents;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave bench scale}: saga throughput with 1, 2, 4 worker processes whose agents ask a
 * model that takes 50 ms (the offline model's latency), i.e. I/O-bound agents, and the scaling
 * efficiency (throughput with n workers over n times the throughput with one). Each worker count
 * has fresh topics, a coordinator process and the worker processes. Once their consumer groups have
 * settled, a closed loop keeps {@value #IN_FLIGHT_PER_PARTITION} sagas per partition in flight
 * (each completion lets a new one in), and the completions are timed: a warm-up window of {@code
 * --sagas} completions, then {@code --repetitions} measured windows of as many.
 */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description =
        "Saga throughput with 1, 2, 4 worker processes and a 50 ms model; scaling efficiency.")
final class ScaleBench extends StackBenchmark {
  /**
   * The targets (docs/benchmarks.md): 4 workers at least 3.5 times as fast as 1; a worker's peak
   * RSS at most 256 MB.
   */
  private static final double SPEED_UP_TARGET = 3.5;

  private static final double RSS_TARGET_MB = 256;
  private static final Duration SETTLE = Duration.ofSeconds(60);

  /**
   * Enough queued work that no worker's partitions run dry, whichever partitions the sagas hash to.
   */
  static final int IN_FLIGHT_PER_PARTITION = 16;

  /**
   * Peak resident memory (MB) of each worker process and of the coordinator process, over the runs.
   */
  private final List<Double> workerRss = new ArrayList<>();

  private final List<Double> coordinatorRss = new ArrayList<>();

  /** How busy the machine's cores were (%) in each measured window, by worker count. */
  private final Map<Integer, List<Double>> cpuBusy = new LinkedHashMap<>();

  @Option(
      names = "--workers",
      defaultValue = "1,2,4",
      description = "worker process counts (default: ${DEFAULT-VALUE})")
  String workers;

  @Option(
      names = "--sagas",
      defaultValue = "200",
      description = "completions per measured window (default: ${DEFAULT-VALUE})")
  int sagas;

  @Option(
      names = "--repetitions",
      defaultValue = "5",
      description =
          "measured windows per worker count, after a warm-up window (default: ${DEFAULT-VALUE})")
  int repetitions;

  @Option(
      names = "--latency-ms",
      defaultValue = "50",
      description = "the model's time per answer (default: ${DEFAULT-VALUE})")
  int latencyMs;

  @Option(
      names = "--partitions",
      defaultValue = "8",
      description = "partitions per topic (default: ${DEFAULT-VALUE})")
  int partitions;

  private final PrintStream out = System.out;
  private final PrintStream children =
      Boolean.getBoolean("conclave.bench.verbose")
          ? System.out
          : new PrintStream(OutputStream.nullOutputStream());

  @Override
  public Integer call() throws Exception {
    List<Integer> counts =
        Arrays.stream(workers.split(",")).map(String::trim).map(Integer::parseInt).toList();
    if (counts.isEmpty()
        || counts.stream().anyMatch(n -> n < 1)
        || sagas < 1
        || repetitions < 1
        || latencyMs < 0
        || partitions < 1) {
      throw new IllegalArgumentException(
          "--workers must list counts >= 1; --sagas, --repetitions, --partitions >= 1");
    }
    out.printf(
        "scaling: 3-step sagas of offline agents asking a %d ms model; %d sagas in flight (a new one as each "
            + "completes), completions timed in a warm-up and %d measured windows of %d; %d partitions%n",
        latencyMs, IN_FLIGHT_PER_PARTITION * partitions, repetitions, sagas, partitions);
    Map<Integer, List<Double>> throughput = new LinkedHashMap<>();
    try (ConclaveStack stack = openStack()) {
      int done = 0;
      for (int n : counts) {
        progress()
            .step(
                nth("worker count", ++done, counts.size())
                    + ": "
                    + n
                    + " worker process(es) starting");
        throughput.put(n, run(stack, n));
      }
    }
    double one = throughput.containsKey(1) ? Medians.of(throughput.get(1)) : Double.NaN;
    out.printf(
        "%n%-8s %12s %12s %12s %10s %11s%n",
        "workers", "sagas/s", "min", "max", "speed-up", "efficiency");
    throughput.forEach(
        (n, rates) -> {
          double median = Medians.of(rates);
          out.printf(
              "%-8d %,12.1f %,12.1f %,12.1f %10.2f %10.0f%%%n",
              n,
              median,
              Collections.min(rates),
              Collections.max(rates),
              median / one,
              100 * median / (n * one));
        });
    out.println("sagas/s: median over the windows; target: 4 workers >= 3.5 x 1 worker");
    throughput.forEach(
        (n, rates) ->
            figures.add(
                BenchFigure.alone(
                    "scale", n + " worker process(es)", "sagas/s", rates, Optional.empty())));
    throughput.forEach(
        (n, rates) -> {
          if (n > 1) {
            figures.add(
                BenchFigure.alone(
                    "scale",
                    "speed-up of " + n + " workers over 1",
                    "x",
                    rates.stream().map(rate -> rate / one).toList(),
                    n == 4
                        ? Optional.of(BenchFigure.Target.atLeast(SPEED_UP_TARGET, "x"))
                        : Optional.empty()));
          }
        });
    // every process of the run shares this machine: cores near 100% busy are what the scaling runs
    // into
    cpuBusy.forEach(
        (n, busy) ->
            figures.add(
                BenchFigure.alone(
                    "scale",
                    "machine CPU busy with " + n + " worker process(es)",
                    "%",
                    busy,
                    Optional.empty())));
    if (!workerRss.isEmpty()) {
      figures.add(
          BenchFigure.alone(
              "memory",
              "peak RSS of a worker process under load",
              "MB",
              workerRss,
              Optional.of(BenchFigure.Target.atMost(RSS_TARGET_MB, "MB"))));
      out.printf(
          "peak RSS under load: workers %,.0f MB (median; max %,.0f MB), coordinator %,.0f MB%n",
          Medians.of(workerRss),
          Collections.max(workerRss),
          coordinatorRss.isEmpty() ? Double.NaN : Collections.max(coordinatorRss));
    }
    if (!coordinatorRss.isEmpty()) {
      figures.add(
          BenchFigure.alone(
              "memory",
              "peak RSS of the coordinator process under load",
              "MB",
              coordinatorRss,
              Optional.empty()));
    }
    return 0;
  }

  /** The sagas/s of each measured window with {@code workerCount} worker processes. */
  private List<Double> run(ConclaveStack stack, int workerCount) throws Exception {
    ConclaveSettings settings =
        stack.prepare(
            ConclaveSettings.fromEnvironment()
                .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                .withTopicPrefix("bench-scale-" + workerCount)
                .withPartitions(partitions));
    List<String> props = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
    props.add("-Dconclave.offline.latency-ms=" + latencyMs);
    props.add("-D" + Agents.OFFLINE_AGENTS.property() + "=true");
    var records = new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()));
    List<SagaStep> plan =
        Saga.step("research", "gather", "discard")
            .step("analysis", "analyze", "retract")
            .step("write", "draft", "unpublish")
            .build()
            .steps();
    List<String> workerGroups =
        plan.stream().map(step -> AgentWorker.groupId(settings, step.agentType())).toList();
    List<ChildProcess> processes = new ArrayList<>();
    try (var producer =
            new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()));
        var completions = new Completions(settings)) {
      // a process of its own, like the workers, so that its memory is its own
      ChildProcess coordinator =
          ChildProcess.start(
              "coordinator",
              "io.conclave.coordinator.Coordinator",
              props,
              settings.kafkaSecurity(),
              List.of(),
              children);
      processes.add(coordinator);
      for (int i = 0; i < workerCount; i++) {
        processes.add(
            ChildProcess.start(
                "worker-" + i,
                "io.conclave.worker.AgentWorker",
                props,
                settings.kafkaSecurity(),
                List.of(),
                children));
      }
      // a rebalance within a measured window would time the take-overs, not the workers
      ConsumerGroups.awaitStable(
          settings.kafka(), List.of(Coordinator.groupId(settings)), 1, SETTLE);
      ConsumerGroups.awaitStable(settings.kafka(), workerGroups, workerCount, SETTLE);
      var load =
          new ClosedLoop(
              producer, records, plan, completions, IN_FLIGHT_PER_PARTITION * partitions);
      progress().step(workerCount + " worker process(es): warm-up window of " + sagas + " sagas");
      load.await(sagas); // warm-up window
      List<Double> rates = new ArrayList<>();
      List<Double> busy = new ArrayList<>();
      for (int r = 1; r <= repetitions; r++) {
        progress()
            .step(
                workerCount
                    + " worker process(es): "
                    + nth("window", r, repetitions)
                    + " of "
                    + sagas
                    + " sagas");
        rates.add(load.window((r + 1) * sagas, busy));
      }
      out.printf(
          "%d worker process(es): %s sagas/s%s%n",
          workerCount,
          String.join(", ", rates.stream().map(rate -> String.format("%,.1f", rate)).toList()),
          busy.isEmpty() ? "" : String.format(" (cores %.0f%% busy)", Medians.of(busy)));
      if (!busy.isEmpty()) {
        cpuBusy.put(workerCount, busy);
      }
      PeakMemory.ofProcess(coordinator.pid()).ifPresent(coordinatorRss::add);
      processes.stream()
          .filter(p -> p != coordinator)
          .forEach(p -> PeakMemory.ofProcess(p.pid()).ifPresent(workerRss::add));
      return rates;
    } finally {
      processes.forEach(ChildProcess::kill);
    }
  }

  /**
   * Keeps a fixed number of sagas in flight: each completion lets a new saga in, so that every
   * worker has work queued however the sagas' keys hash over the partitions, and none waits behind
   * a backlog that only grows.
   */
  private static final class ClosedLoop {
    private final KafkaProducer<byte[], byte[]> producer;
    private final ConclaveRecords records;
    private final List<SagaStep> plan;
    private final Completions completions;
    private int submitted;

    ClosedLoop(
        KafkaProducer<byte[], byte[]> producer,
        ConclaveRecords records,
        List<SagaStep> plan,
        Completions completions,
        int inFlight) {
      this.producer = producer;
      this.records = records;
      this.plan = plan;
      this.completions = completions;
      submit(inFlight);
    }

    /** Returns once {@code completed} sagas have completed, letting a new one in for each. */
    void await(int completed) {
      long deadline = System.nanoTime() + Completions.TIMEOUT.toNanos();
      while (completions.count() < completed) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only "
                  + completions.count()
                  + " of "
                  + completed
                  + " sagas completed within "
                  + Completions.TIMEOUT);
        }
        submit(completions.poll());
      }
    }

    /**
     * The sagas/s until {@code completed} sagas have completed; notes how busy the machine's cores
     * were.
     */
    double window(int completed, List<Double> cpuBusy) {
      Optional<CpuTimes> before = CpuTimes.now();
      int from = completions.count();
      long t0 = System.nanoTime();
      await(completed);
      double rate = (completions.count() - from) * 1e9 / (System.nanoTime() - t0);
      before.ifPresent(
          b -> CpuTimes.now().ifPresent(after -> cpuBusy.add(100 * after.busySince(b))));
      return rate;
    }

    private void submit(int n) {
      for (int i = 0; i < n; i++, submitted++) {
        producer.send(
            records.task(
                new TaskSubmission(
                    "run-" + submitted,
                    "question " + submitted,
                    Clock.systemUTC().instant(),
                    Optional.of(plan))));
      }
      producer.flush();
    }
  }

  /** Reads conclave.saga-events as they come and counts the sagas completed. */
  private static final class Completions implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<SagaEvent> reader;
    private final Set<String> completed = new HashSet<>();

    Completions(ConclaveSettings settings) {
      this.topic = settings.topics().sagaEvents();
      this.consumer = new KafkaConsumer<>(ClientConfigs.consumer(settings.kafka(), null));
      this.reader = new ConclaveSerdes(settings.registry()).sagaEvent().deserializer();
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < settings.partitions(); p++) {
        all.add(new TopicPartition(topic, p));
      }
      consumer.assign(all);
      consumer.seekToBeginning(all);
    }

    /** Sagas completed so far. */
    int count() {
      return completed.size();
    }

    /** Reads what came (waiting a little for it); returns how many more sagas completed. */
    int poll() {
      int before = completed.size();
      consumer
          .poll(Duration.ofMillis(20))
          .forEach(
              r -> {
                if (r.value() != null
                    && reader.deserialize(topic, r.value()) instanceof SagaEvent.Completed c) {
                  completed.add(c.taskId());
                }
              });
      return completed.size() - before;
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
