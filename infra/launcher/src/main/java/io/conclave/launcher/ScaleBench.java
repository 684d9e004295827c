package io.conclave.launcher;

import io.conclave.core.Saga;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaStep;
import io.conclave.core.TaskSubmission;
import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import java.util.Collections;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code conclave bench scale}: saga throughput with 1, 2, 4 worker processes whose agents ask a model that takes
 * 50 ms (the offline model's latency), i.e. I/O-bound agents, and the scaling efficiency (throughput with n workers
 * over n times the throughput with one). Each run has fresh topics, a coordinator in this JVM, the worker processes,
 * a warm-up batch, then a batch of sagas submitted at once, timed until the last one's {@code Completed} event.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Saga throughput with 1, 2, 4 worker processes and a 50 ms model; scaling efficiency.")
final class ScaleBench implements Benchmark {
  /** Issue 8's targets: 4 workers at least 3.5 times as fast as 1; a worker's peak RSS at most 256 MB. */
  private static final double SPEED_UP_TARGET = 3.5;
  private static final double RSS_TARGET_MB = 256;

  private final List<BenchFigure> figures = new ArrayList<>();
  /** Peak resident memory (MB) of each worker process and of the coordinator process, over the runs. */
  private final List<Double> workerRss = new ArrayList<>();
  private final List<Double> coordinatorRss = new ArrayList<>();

  @Override
  public List<BenchFigure> figures() {
    return figures;
  }

  @Option(names = "--workers", defaultValue = "1,2,4", description = "worker process counts (default: ${DEFAULT-VALUE})")
  String workers;

  @Option(names = "--sagas", defaultValue = "300", description = "sagas per measured batch (default: ${DEFAULT-VALUE})")
  int sagas;

  @Option(names = "--latency-ms", defaultValue = "50", description = "the model's time per answer (default: ${DEFAULT-VALUE})")
  int latencyMs;

  @Option(names = "--partitions", defaultValue = "8", description = "partitions per topic (default: ${DEFAULT-VALUE})")
  int partitions;

  private final PrintStream out = System.out;
  private final PrintStream children = Boolean.getBoolean("conclave.bench.verbose") ? System.out
      : new PrintStream(OutputStream.nullOutputStream());

  @Override
  public Integer call() throws Exception {
    List<Integer> counts = Arrays.stream(workers.split(",")).map(String::trim).map(Integer::parseInt).toList();
    if (counts.isEmpty() || counts.stream().anyMatch(n -> n < 1) || sagas < 1 || latencyMs < 0 || partitions < 1) {
      throw new IllegalArgumentException("--workers must list counts >= 1; --sagas, --partitions >= 1");
    }
    out.printf("scaling: 3-step sagas of offline agents asking a %d ms model, %d sagas per batch, %d partitions%n",
        latencyMs, sagas, partitions);
    Map<Integer, Double> throughput = new LinkedHashMap<>();
    try (ConclaveStack stack = ConclaveStack.start(Files.createTempDirectory("conclave-bench"))) {
      for (int n : counts) {
        throughput.put(n, run(stack, n));
        out.printf("%d worker process(es): %,.1f sagas/s%n", n, throughput.get(n));
      }
    }
    double one = throughput.getOrDefault(1, Double.NaN);
    out.printf("%n%-8s %12s %10s %11s%n", "workers", "sagas/s", "speed-up", "efficiency");
    throughput.forEach((n, rate) -> out.printf("%-8d %,12.1f %10.2f %10.0f%%%n", n, rate, rate / one,
        100 * rate / (n * one)));
    out.println("target (issue 8): 4 workers >= 3.5 x 1 worker");
    throughput.forEach((n, rate) -> figures.add(BenchFigure.alone("scale", n + " worker process(es)", "sagas/s",
        List.of(rate), Optional.empty())));
    throughput.forEach((n, rate) -> {
      if (n > 1) {
        figures.add(BenchFigure.alone("scale", "speed-up of " + n + " workers over 1", "x", List.of(rate / one),
            n == 4 ? Optional.of(BenchFigure.Target.atLeast(SPEED_UP_TARGET, "x")) : Optional.empty()));
      }
    });
    if (!workerRss.isEmpty()) {
      figures.add(BenchFigure.alone("memory", "peak RSS of a worker process under load", "MB", workerRss,
          Optional.of(BenchFigure.Target.atMost(RSS_TARGET_MB, "MB"))));
      out.printf("peak RSS under load: workers %,.0f MB (median; max %,.0f MB), coordinator %,.0f MB%n",
          Medians.of(workerRss), Collections.max(workerRss), coordinatorRss.isEmpty() ? Double.NaN
              : Collections.max(coordinatorRss));
    }
    if (!coordinatorRss.isEmpty()) {
      figures.add(BenchFigure.alone("memory", "peak RSS of the coordinator process under load", "MB", coordinatorRss,
          Optional.empty()));
    }
    return 0;
  }

  private double run(ConclaveStack stack, int workerCount) throws Exception {
    ConclaveSettings settings = stack.prepare(ConclaveSettings.fromEnvironment()
        .withEndpoints(stack.bootstrapServers(), stack.registryUrl()).withTopicPrefix("bench-scale-" + workerCount)
        .withPartitions(partitions));
    List<String> props = new ArrayList<>(settings.withAutoRegister(false).asSystemProperties());
    props.add("-Dconclave.offline.latency-ms=" + latencyMs);
    var records = new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()));
    List<SagaStep> plan = Saga.step("research", "gather", "discard").step("analysis", "analyze", "retract")
        .step("write", "draft", "unpublish").build().steps();
    List<ChildProcess> processes = new ArrayList<>();
    try (var producer = new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.bootstrapServers()));
         var completions = new Completions(settings)) {
      // a process of its own, like the workers, so that its memory is its own
      ChildProcess coordinator = ChildProcess.start("coordinator", "io.conclave.coordinator.Coordinator", props,
          children);
      processes.add(coordinator);
      for (int i = 0; i < workerCount; i++) {
        processes.add(ChildProcess.start("worker-" + i, "io.conclave.worker.AgentWorker", props, children));
      }
      int warmUp = 2 * partitions;
      submit(producer, records, plan, "warm-", warmUp);
      completions.await("warm-", warmUp);
      long t0 = System.nanoTime();
      submit(producer, records, plan, "run-", sagas);
      completions.await("run-", sagas);
      double rate = sagas * 1e9 / (System.nanoTime() - t0);
      PeakMemory.ofProcess(coordinator.pid()).ifPresent(coordinatorRss::add);
      processes.stream().filter(p -> p != coordinator).forEach(p -> PeakMemory.ofProcess(p.pid())
          .ifPresent(workerRss::add));
      return rate;
    } finally {
      processes.forEach(ChildProcess::kill);
    }
  }

  private static void submit(KafkaProducer<byte[], byte[]> producer, ConclaveRecords records, List<SagaStep> plan,
                             String prefix, int n) {
    for (int i = 0; i < n; i++) {
      producer.send(records.task(new TaskSubmission(prefix + i, "question " + i, Clock.systemUTC().instant(),
          Optional.of(plan))));
    }
    producer.flush();
  }

  /** Reads conclave.saga-events as they come and counts the sagas completed, by task id prefix. */
  private static final class Completions implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<SagaEvent> reader;
    private final Set<String> completed = new HashSet<>();

    Completions(ConclaveSettings settings) {
      this.topic = settings.topics().sagaEvents();
      this.consumer = new KafkaConsumer<>(ClientConfigs.consumer(settings.bootstrapServers(), null));
      this.reader = new ConclaveSerdes(settings.registry()).sagaEvent().deserializer();
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < settings.partitions(); p++) {
        all.add(new TopicPartition(topic, p));
      }
      consumer.assign(all);
      consumer.seekToBeginning(all);
    }

    void await(String prefix, int n) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (completed.stream().filter(id -> id.startsWith(prefix)).count() < n) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("only " + completed.stream().filter(id -> id.startsWith(prefix)).count()
              + " of " + n + " sagas completed within " + TIMEOUT);
        }
        consumer.poll(Duration.ofMillis(50)).forEach(r -> {
          if (r.value() != null && reader.deserialize(topic, r.value()) instanceof SagaEvent.Completed c) {
            completed.add(c.taskId());
          }
        });
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
