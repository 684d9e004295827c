package io.conclave.bench;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.coordinator.Coordinator;
import io.conclave.launcher.Medians;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.Tally;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.RoutingSlip;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.StepCommand;
import io.conclave.models.OfflineModel;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.TopicProvisioner;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import io.conclave.runtime.topics.TopicDeclaration;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.worker.AgentWorker;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A 3-step saga end to end against a raw Kafka chain, in one run on one embedded broker and
 * registry.
 *
 * <ul>
 *   <li>Conclave: a coordinator and a worker in this JVM, the worker hosting a no-op agent per type
 *       (it completes every step at once, asks no model and records no decision), a planner that
 *       always gives the same three sequential steps. Timed from a task's submission to its saga's
 *       {@code Completed} event being visible to a read_committed consumer of {@code
 *       conclave.saga-events}.
 *   <li>Raw Kafka: topic A, then hops of plain clients (read_committed consumer, a transactional
 *       producer per owned partition, one transaction per partition per poll that also commits the
 *       offsets), each writing a record the size of a step command to the next topic. Timed from a
 *       record's production to A until a read_committed consumer sees the last hop's record.
 * </ul>
 *
 * Latency is measured with submissions at a fixed rate (open loop), throughput with a burst. Both
 * sides use the same group timings, producer and consumer settings, partitions and submitter;
 * repetitions alternate which side goes first.
 */
@Command(
    name = "saga",
    mixinStandardHelpOptions = true,
    description =
        "3-step saga latency (p50/p99/p999) and throughput with no-op agents, against a raw Kafka chain.")
final class SagaBench extends StackBenchmark {
  private static final String PROMPT = "benchmark task";
  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(60);

  @Option(
      names = "--quick",
      description = "a small run, well under a minute: 50 sagas per latency run, bursts of 500")
  boolean quick;

  @Option(
      names = "--sagas",
      description =
          "sagas per phase: the latency run, and the throughput burst unless --burst "
              + "says otherwise (default: 1000; --quick: 50)")
  Integer sagas;

  @Option(
      names = "--burst",
      description =
          "sagas of the throughput burst (default: --sagas, at least 500: a smaller "
              + "burst measures the time to fill the pipeline more than its throughput)")
  Integer burst;

  @Option(
      names = "--rate",
      description = "submissions per second of the latency run, open loop (default: 50)")
  Integer rate;

  @Option(
      names = "--repetitions",
      defaultValue = "5",
      description = "measured repetitions (default: ${DEFAULT-VALUE})")
  int repetitions;

  @Option(
      names = "--raw-hops",
      defaultValue = "3",
      description =
          "consume-produce hops of the raw chain "
              + "(default: ${DEFAULT-VALUE}; Conclave's path has 4: the coordinator and three steps)")
  int rawHops;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "also write the figures to FILE as JSON")
  Path json;

  private final PrintStream out = System.out;

  /** A figure of the table: a quantile of each repetition's latencies, or the throughput. */
  private record Figure(
      String name, String unit, double quantile, Optional<BenchFigure.Target> target) {}

  private static final List<Figure> LATENCIES =
      List.of(
          new Figure("latency p50", "ms", 0.5, Optional.of(BenchFigure.Target.atMost(30, "ms"))),
          new Figure("latency p99", "ms", 0.99, Optional.of(BenchFigure.Target.atMost(100, "ms"))),
          new Figure("latency p999", "ms", 0.999, Optional.empty()),
          new Figure("latency min", "ms", 0, Optional.empty()),
          new Figure("latency max", "ms", 1, Optional.empty()));
  private static final Figure THROUGHPUT =
      new Figure(
          "throughput", "sagas/s", Double.NaN, Optional.of(BenchFigure.Target.ratioAtLeast(0.5)));

  @Override
  public Integer call() throws Exception {
    int n = sagas != null ? sagas : quick ? 50 : 1000;
    int perSecond = rate != null ? rate : 50;
    int b = burst != null ? burst : Math.max(n, 500);
    if (n < 1 || b < 1 || perSecond < 1 || repetitions < 1 || rawHops < 1 || rawHops > 10) {
      throw new IllegalArgumentException(
          "--sagas, --burst, --rate and --repetitions must be at least 1, --raw-hops "
              + "between 1 and 10");
    }
    if (!Boolean.getBoolean("conclave.bench.verbose")) {
      quietConclaveLogs();
    }
    long t0 = System.nanoTime();
    double loadBefore = loadAverage();
    try (ConclaveStack stack = openStack()) {
      ConclaveSettings settings =
          stack.prepare(
              ConclaveSettings.fromEnvironment()
                  .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                  .withTopicPrefix("bench-saga"));
      List<SagaStep> plan = plan(settings.agentTypes());
      ConclaveRecords records =
          new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()));
      RecordSizes sizes = RecordSizes.of(records, plan);
      int taskBytes = sizes.task();
      int commandBytes = sizes.command();
      out.printf(
          "3-step saga vs raw Kafka: latency of %d sagas submitted at %d/s (open loop), throughput of a burst "
              + "of %d, %d repetitions; %d partitions per topic, acks=all, idempotent, read_committed, a transaction per "
              + "partition per poll%n",
          n, perSecond, b, repetitions, settings.partitions());
      out.printf(
          "conclave: coordinator + worker in this JVM, no-op agents %s, 4 transactional hops; raw Kafka: %d "
              + "transactional hops of plain clients; task %d bytes, each hop's record %d bytes (a step command)%n",
          plan.stream().map(SagaStep::agentType).toList(), rawHops, taskBytes, commandBytes);
      List<BenchFigure> rows;
      try (var conclave = new ConclaveChain(settings, records, plan);
          var raw = new RawChain(settings, rawHops, taskBytes, commandBytes);
          var conclaveProbe = new Probe(conclave, settings.kafka());
          var rawProbe = new Probe(raw, settings.kafka())) {
        out.printf("stack and both sides up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        warmUp(List.of(conclaveProbe, rawProbe), n, b, perSecond);
        for (int r = 1; r <= repetitions; r++) {
          // alternate which side goes first, so neither always runs on a broker the other has just
          // loaded
          List<Probe> order =
              r % 2 == 1 ? List.of(conclaveProbe, rawProbe) : List.of(rawProbe, conclaveProbe);
          for (Probe p : order) {
            progress()
                .step(
                    nth("repetition", r, repetitions)
                        + ": "
                        + p.name()
                        + " latency, "
                        + n
                        + " sagas");
            List<Double> ms = p.latency("lat-" + r, n, perSecond);
            p.latencies.add(ms);
            out.printf(
                "rep %d/%d %-9s latency: %d sagas at %d/s: %s%n",
                r, repetitions, p.name(), n, perSecond, describe(ms));
          }
          for (Probe p : order) {
            progress()
                .step(
                    nth("repetition", r, repetitions)
                        + ": "
                        + p.name()
                        + " throughput, a burst of "
                        + b
                        + " sagas");
            double perSec = p.throughput("thr-" + r, b);
            p.throughputs.add(perSec);
            out.printf(
                "rep %d/%d %-9s throughput: a burst of %d sagas, %,.0f sagas/s%n",
                r, repetitions, p.name(), b, perSec);
          }
        }
        rows = rows(conclaveProbe, rawProbe);
        figures.addAll(rows);
      }
      double loadAfter = loadAverage();
      out.println();
      print(rows);
      out.printf(
          "system load average %.1f at the start, %.1f at the end, on %d processors (this run and anything else "
              + "on the machine)%n",
          loadBefore, loadAfter, Runtime.getRuntime().availableProcessors());
      if (json != null) {
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("sagas", n);
        setup.put("burst", b);
        setup.put("ratePerSecond", perSecond);
        setup.put("repetitions", repetitions);
        setup.put("partitions", settings.partitions());
        setup.put("conclaveHops", 4);
        setup.put("rawHops", rawHops);
        setup.put("taskBytes", taskBytes);
        setup.put("commandBytes", commandBytes);
        setup.put("processors", Runtime.getRuntime().availableProcessors());
        setup.put("loadAverageAtStart", loadBefore);
        setup.put("loadAverageAtEnd", loadAfter);
        writeJson(setup, rows);
      }
    }
    return 0;
  }

  /**
   * Raw Kafka's reference for another scenario, on the broker of {@code settings}: the sagas/s of
   * {@code repetitions} bursts of {@code burst} ids through a chain of {@code hops} transactional
   * hops of plain clients (topics {@code <prefix>.raw-a}, ..., records the sizes of a task and of a
   * step command), after a warm-up burst.
   */
  static List<Double> rawThroughputs(
      ConclaveSettings settings, int hops, int burst, int repetitions) throws Exception {
    RecordSizes sizes =
        RecordSizes.of(
            new ConclaveRecords(settings, new ConclaveSerdes(settings.registry())),
            plan(settings.agentTypes()));
    List<Double> rates = new ArrayList<>();
    try (var raw = new RawChain(settings, hops, sizes.task(), sizes.command());
        var probe = new Probe(raw, settings.kafka())) {
      probe.throughput("warm-thr", burst);
      for (int r = 1; r <= repetitions; r++) {
        rates.add(probe.throughput("thr-" + r, burst));
      }
    }
    return rates;
  }

  /**
   * The sizes in bytes of a task's record and of a step command's: what the raw chain's records
   * weigh.
   */
  private record RecordSizes(int task, int command) {
    static RecordSizes of(ConclaveRecords records, List<SagaStep> plan) {
      return new RecordSizes(
          records.task(new TaskSubmission("lat-1-0", PROMPT, Instant.now())).value().length,
          records
              .stepCommand(
                  new StepCommand(
                      RoutingSlip.start("saga-lat-1-0", "lat-1-0", plan),
                      PROMPT,
                      0,
                      new LeaderStamp(0, 1),
                      Instant.now()))
              .value()
              .length);
    }
  }

  /**
   * A burst big enough for the JIT to compile the paths of each side, then a short run at the
   * measured rate.
   */
  private void warmUp(List<Probe> probes, int sagas, int burst, int perSecond)
      throws InterruptedException {
    int warmBurst = Math.max(burst, 2000);
    int warmPaced = Math.max(sagas / 4, 25);
    for (Probe p : probes) {
      progress().step("warming up " + p.name() + ": " + (warmBurst + warmPaced) + " sagas");
      long t0 = System.nanoTime();
      p.throughput("warm-thr", warmBurst);
      p.latency("warm-lat", warmPaced, perSecond);
      out.printf(
          "warm-up %-9s %d sagas in %.1f s%n",
          p.name(), warmBurst + warmPaced, (System.nanoTime() - t0) / 1e9);
    }
  }

  private static List<BenchFigure> rows(Probe conclave, Probe raw) {
    List<BenchFigure> rows = new ArrayList<>();
    for (Figure f : LATENCIES) {
      rows.add(
          BenchFigure.compared(
              "saga",
              f.name(),
              f.unit(),
              quantiles(conclave.latencies, f.quantile()),
              quantiles(raw.latencies, f.quantile()),
              f.target()));
    }
    rows.add(
        BenchFigure.compared(
            "saga",
            THROUGHPUT.name(),
            THROUGHPUT.unit(),
            conclave.throughputs,
            raw.throughputs,
            THROUGHPUT.target()));
    return rows;
  }

  private void writeJson(Map<String, Object> setup, List<BenchFigure> rows) throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "saga");
    report.put("setup", setup);
    report.put("figures", rows.stream().map(BenchFigure::asJson).toList());
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), report);
    out.println("figures written to " + json);
  }

  /** The steps of every saga: three sequential no-op steps over the configured agent types. */
  private static List<SagaStep> plan(List<String> agentTypes) {
    return IntStream.range(0, 3)
        .mapToObj(
            i ->
                new SagaStep(
                    agentTypes.get(i % agentTypes.size()),
                    "noop",
                    i == 0 ? "${prompt}" : "${previous}",
                    ""))
        .toList();
  }

  /** The system load average of the last minute, or -1 where the platform does not say. */
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /**
   * The services log a line per task and per step at INFO; a benchmark prints nothing per record.
   */
  private static void quietConclaveLogs() {
    if (LoggerFactory.getLogger("io.conclave") instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(Level.WARN);
    }
  }

  private static List<Double> quantiles(List<List<Double>> perRepetition, double q) {
    return perRepetition.stream().map(ms -> Medians.percentile(ms, q)).toList();
  }

  private static String describe(List<Double> ms) {
    StringBuilder sb = new StringBuilder();
    for (Figure f : LATENCIES) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(f.name().substring("latency ".length()))
          .append(' ')
          .append(String.format("%.1f ms", Medians.percentile(ms, f.quantile())));
    }
    return sb.toString();
  }

  private void print(List<BenchFigure> rows) {
    out.printf(
        "%-23s %-9s %10s %10s %10s %8s   %s%n",
        "median of " + repetitions + " repetitions", "", "median", "min", "max", "ratio", "target");
    for (BenchFigure row : rows) {
      String format = row.name().equals(THROUGHPUT.name()) ? "%,10.0f" : "%10.1f";
      out.printf(
          "%-23s %-9s " + format + " " + format + " " + format + " %8.2f   %s%n",
          row.name() + ", " + row.unit(),
          "conclave",
          row.conclave().median(),
          row.conclave().min(),
          row.conclave().max(),
          row.ratio().orElseThrow(),
          row.targetText());
      out.printf(
          "%-23s %-9s " + format + " " + format + " " + format + "%n",
          "",
          "raw Kafka",
          row.raw().orElseThrow().median(),
          row.raw().orElseThrow().min(),
          row.raw().orElseThrow().max());
    }
    out.printf(
        "ratio = conclave median / raw Kafka median. Latency: submission until the end is visible to a "
            + "read_committed consumer (conclave: the saga's Completed event; raw Kafka: the record of hop %d)%n",
        rawHops);
  }

  /** Completes every step at once; asks no model and records no decision. */
  private record NoOpAgent(String type) implements Agent<Tally> {
    private static final StepResult DONE = new StepResult.Completed("done");

    @Override
    public StateFold<Tally> fold() {
      return Tally.FOLD;
    }

    @Override
    public StepResult act(StepRequest request, AgentContext<Tally> context) {
      return DONE;
    }
  }

  /** What is measured: something that turns a submitted id into a completion record on a topic. */
  private interface Chain extends AutoCloseable {
    String name();

    ProducerRecord<byte[], byte[]> submission(String id);

    String completedTopic();

    /** The id this record completes, or null if it is another record. */
    String completedId(ConsumerRecord<byte[], byte[]> record);

    /** Why nothing more will complete, if a part of the chain stopped. */
    Optional<String> breakdown();
  }

  /** The coordinator and a worker with a no-op agent per type, in this JVM. */
  private static final class ConclaveChain implements Chain {
    private final ConclaveRecords records;
    private final Deserializer<SagaEvent> events;
    private final String sagaEvents;
    private final Coordinator coordinator;
    private final AgentWorker worker;
    private volatile String aborted;

    ConclaveChain(ConclaveSettings settings, ConclaveRecords records, List<SagaStep> plan) {
      this.records = records;
      this.events = new ConclaveSerdes(settings.registry()).sagaEvent().deserializer();
      this.sagaEvents = settings.topics().sagaEvents();
      List<NoOpAgent> agents =
          plan.stream().map(SagaStep::agentType).distinct().map(NoOpAgent::new).toList();
      this.coordinator = new Coordinator(settings, task -> plan, Clock.systemUTC());
      this.worker = new AgentWorker(settings, agents, OfflineModel.instant(), Clock.systemUTC());
      coordinator.start();
      worker.start();
    }

    @Override
    public String name() {
      return "conclave";
    }

    @Override
    public ProducerRecord<byte[], byte[]> submission(String id) {
      return records.task(new TaskSubmission(id, PROMPT, Instant.now()));
    }

    @Override
    public String completedTopic() {
      return sagaEvents;
    }

    @Override
    public String completedId(ConsumerRecord<byte[], byte[]> record) {
      if (record.value() == null) {
        return null;
      }
      SagaEvent event = events.deserialize(record.topic(), record.value());
      if (event instanceof SagaEvent.Aborted a) {
        aborted = a.sagaId() + " aborted: " + a.reason();
      }
      return event instanceof SagaEvent.Completed c ? c.taskId() : null;
    }

    @Override
    public Optional<String> breakdown() {
      if (aborted != null) {
        return Optional.of(aborted);
      }
      if (coordinator.done().isDone() || worker.failed().isDone()) {
        return Optional.of(
            "the " + (coordinator.done().isDone() ? "coordinator" : "worker") + " stopped");
      }
      return Optional.empty();
    }

    @Override
    public void close() {
      worker.close();
      coordinator.close();
    }
  }

  /** Topic A, then hops of plain clients to the last topic; records are keyed by their id. */
  private static final class RawChain implements Chain {
    private final List<String> topics;
    private final byte[] task;
    private final List<RawHop> hops = new ArrayList<>();

    RawChain(ConclaveSettings settings, int hopCount, int taskBytes, int commandBytes)
        throws Exception {
      String prefix = settings.topics().prefix() + ".raw-";
      this.topics =
          IntStream.rangeClosed(0, hopCount).mapToObj(i -> prefix + (char) ('a' + i)).toList();
      this.task = new byte[taskBytes];
      List<TopicDeclaration> declarations = new ArrayList<>();
      for (int i = 0; i <= hopCount; i++) {
        // the first and the last topic are compacted as conclave.tasks and conclave.saga-events
        // are, the ones between are not, as the command topics
        String cleanup = i == 0 || i == hopCount ? "compact" : "delete";
        declarations.add(
            new TopicDeclaration(
                topics.get(i),
                settings.partitions(),
                settings.replicationFactor(),
                Map.of("cleanup.policy", cleanup)));
      }
      try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
        new TopicProvisioner(admin).ensureOrThrow(declarations);
      }
      for (int i = 0; i < hopCount; i++) {
        // the first hop reads as the coordinator does (a planner call may wait, so smaller polls),
        // the others as workers
        Map<String, Object> overrides =
            i == 0 ? Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50) : Map.of();
        hops.add(
            new RawHop(
                    settings,
                    topics.get(i),
                    topics.get(i + 1),
                    prefix + "hop" + (i + 1),
                    overrides,
                    new byte[commandBytes])
                .start());
      }
    }

    @Override
    public String name() {
      return "raw Kafka";
    }

    @Override
    public ProducerRecord<byte[], byte[]> submission(String id) {
      return new ProducerRecord<>(topics.get(0), id.getBytes(StandardCharsets.UTF_8), task);
    }

    @Override
    public String completedTopic() {
      return topics.get(topics.size() - 1);
    }

    @Override
    public String completedId(ConsumerRecord<byte[], byte[]> record) {
      return new String(record.key(), StandardCharsets.UTF_8);
    }

    @Override
    public Optional<String> breakdown() {
      return hops.stream().filter(h -> h.done.isDone()).findFirst().map(h -> h.name + " stopped");
    }

    @Override
    public void close() {
      hops.forEach(RawHop::close);
    }
  }

  /**
   * One transactional consume-process-produce hop of plain Kafka clients, committing as Conclave's
   * partition loop does: a transactional producer per owned partition, and per poll one transaction
   * per partition holding the batch's output and its offsets.
   */
  private static final class RawHop implements AutoCloseable {
    private final String name;
    private final KafkaAccess kafka;
    private final String in;
    private final String out;
    private final byte[] payload;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<Integer, Producer<byte[], byte[]>> producers =
        new HashMap<>(); // the hop's thread only
    private final Thread thread;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean running = true;

    RawHop(
        ConclaveSettings settings,
        String in,
        String out,
        String group,
        Map<String, Object> overrides,
        byte[] payload) {
      this.name = group;
      this.kafka = settings.kafka();
      this.in = in;
      this.out = out;
      this.payload = payload;
      Map<String, Object> config = ClientConfigs.consumer(kafka, group);
      config.putAll(settings.groups().consumerConfig());
      config.putAll(overrides);
      this.consumer = new KafkaConsumer<>(config);
      this.thread = new Thread(this::run, group);
    }

    RawHop start() {
      thread.start();
      return this;
    }

    private void run() {
      try {
        consumer.subscribe(
            List.of(in),
            new ConsumerRebalanceListener() {
              @Override
              public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                for (TopicPartition tp : partitions) {
                  Producer<byte[], byte[]> p =
                      new KafkaProducer<>(
                          ClientConfigs.transactionalProducer(kafka, name + "-" + tp.partition()));
                  p.initTransactions();
                  producers.put(tp.partition(), p);
                }
              }

              @Override
              public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(
                    tp ->
                        Optional.ofNullable(producers.remove(tp.partition()))
                            .ifPresent(Producer::close));
              }
            });
        while (running) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
          for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
            Producer<byte[], byte[]> producer = producers.get(tp.partition());
            producer.beginTransaction();
            for (ConsumerRecord<byte[], byte[]> r : batch) {
              producer.send(new ProducerRecord<>(out, r.key(), payload));
            }
            long next = batch.get(batch.size() - 1).offset() + 1;
            producer.sendOffsetsToTransaction(
                Map.of(tp, new OffsetAndMetadata(next)), consumer.groupMetadata());
            producer.commitTransaction();
          }
        }
        done.complete(null);
      } catch (WakeupException e) {
        done.complete(null);
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(SagaBench.class).error("{} stopped", name, e);
        done.completeExceptionally(e);
      } finally {
        producers.values().forEach(Producer::close);
        consumer.close();
      }
    }

    @Override
    public void close() {
      running = false;
      consumer.wakeup();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Submits ids to a chain and sees them complete: an idempotent producer (acks=all), as a client
   * submitting tasks has, and a read_committed consumer of the completion topic on a thread of its
   * own.
   */
  private static final class Probe implements AutoCloseable {
    private final Chain chain;
    private final Producer<byte[], byte[]> submitter;
    private final KafkaConsumer<byte[], byte[]> observer;
    private final Thread thread;
    private volatile Phase current;
    private volatile boolean running = true;
    private volatile String failure;

    /**
     * The measured repetitions: each latency run's latencies in milliseconds, each burst's sagas
     * per second.
     */
    final List<List<Double>> latencies = new ArrayList<>();

    final List<Double> throughputs = new ArrayList<>();

    Probe(Chain chain, KafkaAccess kafka) throws InterruptedException {
      this.chain = chain;
      this.submitter = new KafkaProducer<>(ClientConfigs.producer(kafka));
      this.observer = new KafkaConsumer<>(ClientConfigs.consumer(kafka, null));
      List<TopicPartition> partitions = partitionsOf(observer, chain.completedTopic());
      observer.assign(partitions);
      observer.seekToEnd(partitions);
      partitions.forEach(observer::position); // resolves the end now, before anything is submitted
      this.thread = new Thread(this::observe, "probe-" + chain.name());
      thread.start();
    }

    String name() {
      return chain.name();
    }

    /**
     * Submits {@code n} ids at {@code perSecond} (open loop); returns each one's latency in
     * milliseconds.
     */
    List<Double> latency(String tag, int n, int perSecond) throws InterruptedException {
      Phase phase = begin(n);
      long period = 1_000_000_000L / perSecond;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long due = t0 + i * period;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
        submit(phase, tag + "-" + i);
      }
      await(phase, n);
      synchronized (phase.latencies) {
        return phase.latencies.stream().map(ns -> ns / 1e6).toList();
      }
    }

    /**
     * Submits {@code n} ids at once; returns how many completed per second, from the first
     * submission on.
     */
    double throughput(String tag, int n) throws InterruptedException {
      Phase phase = begin(n);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        submit(phase, tag + "-" + i);
      }
      submitter.flush();
      await(phase, n);
      return n * 1e9 / (phase.lastDone - t0);
    }

    private Phase begin(int n) {
      Phase phase = new Phase(n);
      current = phase;
      return phase;
    }

    private void submit(Phase phase, String id) {
      phase.started.put(id, System.nanoTime());
      submitter.send(chain.submission(id));
    }

    private void await(Phase phase, int n) throws InterruptedException {
      long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
      while (!phase.remaining.await(1, TimeUnit.SECONDS)) {
        Optional<String> breakdown =
            chain
                .breakdown()
                .or(() -> Optional.ofNullable(failure).map(f -> "its observer stopped: " + f));
        if (breakdown.isPresent() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              chain.name()
                  + ": "
                  + phase.remaining.getCount()
                  + " of "
                  + n
                  + " sagas did not complete"
                  + breakdown
                      .map(b -> " (" + b + ")")
                      .orElse(
                          " within " + PHASE_TIMEOUT.toSeconds() + " s of the last submission"));
        }
      }
      current = null;
    }

    private void observe() {
      try {
        while (running) {
          ConsumerRecords<byte[], byte[]> records = observer.poll(Duration.ofMillis(100));
          long now = System.nanoTime();
          Phase phase = current;
          for (ConsumerRecord<byte[], byte[]> r : records) {
            String id = chain.completedId(r);
            if (id != null && phase != null) {
              phase.done(id, now);
            }
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        failure = e.toString();
      } finally {
        observer.close();
      }
    }

    /**
     * The partitions of a topic that may have just been created: the client's metadata can take a
     * moment.
     */
    private static List<TopicPartition> partitionsOf(
        KafkaConsumer<byte[], byte[]> consumer, String topic) throws InterruptedException {
      long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
      while (true) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        if (!partitions.isEmpty()) {
          return partitions;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "topic " + topic + " has no partitions after " + PHASE_TIMEOUT);
        }
        Thread.sleep(100);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      observer.wakeup();
      thread.join(TimeUnit.SECONDS.toMillis(10));
      submitter.close();
    }
  }

  /** The ids of one phase in flight, and the latencies of those that completed. */
  private static final class Phase {
    final Map<String, Long> started = new ConcurrentHashMap<>();
    final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch remaining;
    volatile long lastDone;

    Phase(int n) {
      this.remaining = new CountDownLatch(n);
    }

    /** {@code id} completed at {@code at} (nanoTime); a repeated completion counts once. */
    void done(String id, long at) {
      Long start = started.remove(id);
      if (start != null) {
        latencies.add(at - start);
        lastDone = at;
        remaining.countDown();
      }
    }
  }
}
