package io.conclave.bench;

import io.conclave.launcher.Medians;
import io.conclave.launcher.cli.Progress;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.Tally;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.TopicProvisioner;
import io.conclave.runtime.readers.AgentLogs;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.TopicDeclaration;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The event log against raw Kafka, in one run on one embedded broker and registry:
 *
 * <ul>
 *   <li>append: decisions appended the way a worker appends them (one step's draft per decision,
 *       folded into the agent's state, Avro through the registry serde, a transaction per batch,
 *       snapshots when due) against a raw transactional producer sending byte records of the same
 *       key and value sizes in the same batches;
 *   <li>replay: an agent's state folded from its first decision against a raw consumer reading the
 *       same partition (bytes, same fetch settings);
 *   <li>rebuild: the state of an agent with a long log, from its latest snapshot and the tail
 *       against from the first decision.
 * </ul>
 */
@Command(
    name = "eventlog",
    mixinStandardHelpOptions = true,
    description =
        "Decision append and replay rates against raw Kafka, and rebuild time with and without snapshots.")
final class EventLogBench extends StackBenchmark {
  private static final String PAYLOAD = "x".repeat(200);

  /**
   * The long log of the rebuild is written in bigger transactions (only its reading is measured),
   * of a size that leaves a tail after the latest snapshot, as a live agent's log has.
   */
  private static final int REBUILD_BATCH = 700;

  @Option(
      names = "--events",
      defaultValue = "100000",
      description = "decisions appended and replayed per repetition (default: ${DEFAULT-VALUE})")
  int events;

  @Option(
      names = "--repetitions",
      defaultValue = "5",
      description = "measured repetitions (default: ${DEFAULT-VALUE})")
  int repetitions;

  @Option(
      names = "--batch",
      defaultValue = "100",
      description =
          "decisions per transaction, as in a worker's batch of steps (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--rebuild-events",
      defaultValue = "1000000",
      description =
          "length of the log rebuilt with and without snapshots (default: ${DEFAULT-VALUE})")
  int rebuildEvents;

  @Option(
      names = "--snapshot-every",
      defaultValue = "1000",
      description = "decisions between snapshots (default: ${DEFAULT-VALUE})")
  int snapshotEvery;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (events < batch || repetitions < 1 || batch < 1 || rebuildEvents < 1 || snapshotEvery < 1) {
      throw new IllegalArgumentException(
          "--events must be >= --batch >= 1; --repetitions, --rebuild-events and "
              + "--snapshot-every >= 1");
    }
    try (ConclaveStack stack = openStack()) {
      ConclaveSettings settings =
          stack.prepare(
              ConclaveSettings.fromEnvironment()
                  .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                  .withTopicPrefix("bench-eventlog")
                  .withPartitions(1)
                  .withSnapshotEvery(snapshotEvery));
      out.printf(
          "event log vs raw Kafka: %d decisions x %d repetitions, %d per transaction, payload %d chars, "
              + "snapshot every %d; 1 partition, acks=all, idempotent, transactional%n",
          events, repetitions, batch, PAYLOAD.length(), snapshotEvery);
      appendAndReplay(stack, settings);
      rebuild(stack.prepare(settings.withTopicPrefix("bench-rebuild")));
    }
    return 0;
  }

  private void appendAndReplay(ConclaveStack stack, ConclaveSettings settings) throws Exception {
    String rawTopic = settings.topics().prefix() + ".raw";
    try (Admin admin = stack.admin()) {
      new TopicProvisioner(admin)
          .ensureOrThrow(
              List.of(
                  new TopicDeclaration(
                      rawTopic, 1, (short) 1, Map.of("cleanup.policy", "compact"))));
    }
    ConclaveSerdes serdes = new ConclaveSerdes(settings.registry());
    List<Double> conclaveAppend = new ArrayList<>();
    List<Double> rawAppend = new ArrayList<>();
    List<Double> conclaveReplay = new ArrayList<>();
    List<Double> rawReplay = new ArrayList<>();
    try (var conclave = new ConclaveAppender(settings, serdes, "bench-0", batch);
        var raw = new RawAppender(settings, rawTopic, conclave.keySize(), conclave.valueSize());
        var logs = new AgentLogs(settings, serdes)) {
      out.printf(
          "record sizes: key %d bytes, value %d bytes (Avro, registry framing)%n",
          conclave.keySize(), conclave.valueSize());
      TopicPartition decisions = logs.decisionsPartition("bench-0");
      // warm-up: a repetition's worth of each, replayed twice, so that the measured ones run
      // compiled code
      progress().step("append and replay: warming up");
      conclave.append(events);
      raw.append(events);
      for (int i = 0; i < 2; i++) {
        logs.fold("bench-0", Tally.FOLD, new AgentLogs.Bound.End(), false);
        readAll(settings, decisions);
      }
      for (int r = 1; r <= repetitions; r++) {
        progress().step("append and replay: " + nth("repetition", r, repetitions));
        conclaveAppend.add(rate(events, () -> conclave.append(events)));
        rawAppend.add(rate(events, () -> raw.append(events)));
        long[] folded = {0};
        conclaveReplay.add(
            rate(
                () -> {
                  FoldedLog<Tally> f =
                      logs.fold("bench-0", Tally.FOLD, new AgentLogs.Bound.End(), false);
                  folded[0] = f.folded();
                  return f.folded();
                }));
        rawReplay.add(rate(() -> readAll(settings, decisions)));
        out.printf(
            "repetition %d: append %,.0f/s vs raw %,.0f/s; replay %,.0f/s vs raw %,.0f/s (%,d decisions)%n",
            r,
            conclaveAppend.get(r - 1),
            rawAppend.get(r - 1),
            conclaveReplay.get(r - 1),
            rawReplay.get(r - 1),
            folded[0]);
      }
    }
    out.println();
    out.printf("%-8s %-9s %14s %14s %14s %12s%n", "", "", "median", "min", "max", "median ratio");
    print("append", "decisions/s", conclaveAppend, rawAppend, 0.8);
    print("replay", "decisions/s", conclaveReplay, rawReplay, 0.7);
  }

  private void rebuild(ConclaveSettings settings) throws Exception {
    ConclaveSerdes serdes = new ConclaveSerdes(settings.registry());
    String agent = "bench-1";
    out.println();
    out.printf(
        "rebuild: writing %,d decisions of %s through the event log, %d per transaction...%n",
        rebuildEvents, agent, REBUILD_BATCH);
    double writeRate;
    progress().step("rebuild: writing " + Progress.number(rebuildEvents) + " decisions");
    try (var conclave = new ConclaveAppender(settings, serdes, agent, REBUILD_BATCH)) {
      writeRate = rate(rebuildEvents, () -> conclave.append(rebuildEvents));
    }
    try (var logs = new AgentLogs(settings, serdes)) {
      List<Long> wholeMs = new ArrayList<>();
      List<Long> snapshotMs = new ArrayList<>();
      FoldedLog<Tally> whole = null;
      FoldedLog<Tally> fromSnapshot = null;
      for (int r = 0; r <= repetitions; r++) { // the first of each is a warm-up
        progress().step("rebuild: " + (r == 0 ? "warming up" : nth("repetition", r, repetitions)));
        long t0 = System.nanoTime();
        whole = logs.fold(agent, Tally.FOLD, new AgentLogs.Bound.End(), false);
        long t1 = System.nanoTime();
        fromSnapshot = logs.current(agent, Tally.FOLD);
        long t2 = System.nanoTime();
        if (!whole.state().equals(fromSnapshot.state())
            || whole.nextSequence() != fromSnapshot.nextSequence()) {
          throw new IllegalStateException(
              "the two rebuilds disagree: " + whole + " / " + fromSnapshot);
        }
        if (r > 0) {
          wholeMs.add((t1 - t0) / 1_000_000);
          snapshotMs.add((t2 - t1) / 1_000_000);
        }
      }
      figures.add(
          BenchFigure.alone(
              "eventlog",
              "rebuild of " + whole.folded() + " decisions from the first",
              "ms",
              wholeMs,
              Optional.empty()));
      figures.add(
          BenchFigure.alone(
              "eventlog", "rebuild from the latest snapshot", "ms", snapshotMs, Optional.empty()));
      long wholeMedian = Math.round(Medians.of(wholeMs));
      long snapshotMedian = Math.max(1, Math.round(Medians.of(snapshotMs)));
      out.printf("written at %,.0f decisions/s (snapshots included)%n", writeRate);
      out.printf(
          "rebuild of %,d decisions without snapshots: %,d ms median of %d (%,.0f decisions/s)%n",
          whole.folded(),
          wholeMedian,
          repetitions,
          whole.folded() * 1000.0 / Math.max(1, wholeMedian));
      out.printf(
          "rebuild from the latest snapshot (at sequence %,d) + %,d decisions: %,d ms median (%.0fx faster); "
              + "same state, next sequence %,d%n",
          fromSnapshot.snapshot().map(s -> s.nextSequence()).orElse(0L),
          fromSnapshot.folded(),
          snapshotMedian,
          (double) wholeMedian / snapshotMedian,
          whole.nextSequence());
    }
  }

  private void print(
      String what, String unit, List<Double> conclave, List<Double> raw, double targetRatio) {
    String target = "target >= " + targetRatio;
    figures.add(
        BenchFigure.compared(
            "eventlog",
            what,
            unit,
            conclave,
            raw,
            Optional.of(BenchFigure.Target.ratioAtLeast(targetRatio))));
    double median = Medians.of(conclave);
    double rawMedian = Medians.of(raw);
    out.printf(
        "%-8s %-9s %,14.0f %,14.0f %,14.0f %12.2f   %s (%s)%n",
        what,
        "conclave",
        median,
        Collections.min(conclave),
        Collections.max(conclave),
        median / rawMedian,
        target,
        unit);
    out.printf(
        "%-8s %-9s %,14.0f %,14.0f %,14.0f%n",
        "", "raw Kafka", rawMedian, Collections.min(raw), Collections.max(raw));
  }

  /** Records per second of a piece of work that returns how many records it handled. */
  private static double rate(LongSupplier work) {
    long t0 = System.nanoTime();
    long n = work.getAsLong();
    return n * 1e9 / (System.nanoTime() - t0);
  }

  private static double rate(long n, ThrowingRunnable work) throws Exception {
    long t0 = System.nanoTime();
    work.run();
    return n * 1e9 / (System.nanoTime() - t0);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Reads a partition from its beginning to its end as bytes; returns the records read. */
  private static long readAll(ConclaveSettings settings, TopicPartition tp) {
    Map<String, Object> config = ClientConfigs.consumer(settings.kafka(), null);
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5); // as the event log's reader
    long n = 0;
    try (var consumer = new KafkaConsumer<byte[], byte[]>(config)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        n += consumer.poll(Duration.ofMillis(100)).count();
      }
    }
    return n;
  }

  /** Appends decisions to an agent's log as a worker does, one step of one decision at a time. */
  private final class ConclaveAppender implements AutoCloseable {
    private final ConclaveRecords records;
    private final AgentJournal<Tally> journal;
    private final Producer<byte[], byte[]> producer;
    private final Clock clock = Clock.systemUTC();
    private final int perTransaction;

    ConclaveAppender(
        ConclaveSettings settings, ConclaveSerdes serdes, String agentId, int perTransaction) {
      this.perTransaction = perTransaction;
      this.records = new ConclaveRecords(settings, serdes);
      try (var logs = new AgentLogs(settings, serdes)) {
        this.journal =
            new AgentJournal<>(
                agentId, Tally.FOLD, logs.current(agentId, Tally.FOLD), settings.snapshotEvery());
      }
      this.producer =
          new KafkaProducer<>(
              ClientConfigs.transactionalProducer(
                  settings.kafka(), settings.topics().prefix() + "-append-" + agentId));
      producer.initTransactions();
    }

    int keySize() {
      return sample().key().length;
    }

    int valueSize() {
      return sample().value().length;
    }

    private ProducerRecord<byte[], byte[]> sample() {
      return records.decision(
          new Decision(
              new DecisionKey(journal.agentId(), journal.nextSequence()),
              Optional.empty(),
              Optional.empty(),
              "STEP_RESULT",
              PAYLOAD,
              clock.instant(),
              Optional.empty()));
    }

    void append(int n) throws ExecutionException, InterruptedException {
      for (int done = 0; done < n; ) {
        producer.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>(perTransaction);
        for (int i = 0; i < perTransaction && done < n; i++, done++) {
          var draft =
              journal.begin(
                  new AgentJournal.Origin(
                      Optional.empty(), Optional.empty(), clock.instant(), Optional.empty()));
          draft.append("STEP_RESULT", PAYLOAD);
          for (Decision d : journal.accept(draft)) {
            sent.add(producer.send(records.decision(d)));
          }
        }
        producer.commitTransaction();
        List<RecordMetadata> written = new ArrayList<>(sent.size());
        for (Future<RecordMetadata> f : sent) {
          written.add(f.get());
        }
        var snapshots = records.snapshotIfDue(journal, written, clock.instant());
        if (!snapshots.isEmpty()) {
          producer.beginTransaction();
          snapshots.forEach(producer::send);
          producer.commitTransaction();
        }
      }
    }

    @Override
    public void close() {
      producer.close();
    }
  }

  /** Sends byte records of given key and value sizes, in transactions of the same size. */
  private final class RawAppender implements AutoCloseable {
    private final String topic;
    private final int keySize;
    private final byte[] value;
    private final Producer<byte[], byte[]> producer;
    private long next;

    RawAppender(ConclaveSettings settings, String topic, int keySize, int valueSize) {
      this.topic = topic;
      this.keySize = Math.max(keySize, Long.BYTES);
      this.value = new byte[valueSize];
      this.producer =
          new KafkaProducer<>(
              ClientConfigs.transactionalProducer(settings.kafka(), topic + "-append"));
      producer.initTransactions();
    }

    void append(int n) {
      for (int done = 0; done < n; ) {
        producer.beginTransaction();
        for (int i = 0; i < batch && done < n; i++, done++) {
          byte[] key =
              ByteBuffer.allocate(keySize)
                  .putLong(next++)
                  .array(); // unique, like (agent, sequence)
          producer.send(new ProducerRecord<>(topic, 0, key, value));
        }
        producer.commitTransaction();
      }
    }

    @Override
    public void close() {
      producer.close();
    }
  }
}
