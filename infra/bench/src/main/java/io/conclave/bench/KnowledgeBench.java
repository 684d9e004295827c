package io.conclave.bench;

import io.conclave.launcher.Medians;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.HybridClock;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.crdt.LwwMap;
import io.conclave.model.crdt.LwwRegister;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.knowledge.KnowledgeTopology;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Knowledge deltas merged per second by the projections' knowledge topology (Kafka Streams,
 * exactly-once, the changelog-backed store and the versioned history store) against a raw consumer
 * reading the same topic as bytes, in one run on one embedded broker and registry. The deltas are
 * what agents write: nine agent instances update a set of keys of every CRDT type, each delta made
 * from the instance's own view, in transactions of 100.
 */
@Command(
    name = "knowledge",
    mixinStandardHelpOptions = true,
    description =
        "Knowledge deltas merged per second by the projections' topology against a raw consumer.")
final class KnowledgeBench extends StackBenchmark {
  private static final List<String> REPLICAS =
      List.of(
          "research-0",
          "research-1",
          "research-2",
          "analysis-0",
          "analysis-1",
          "analysis-2",
          "write-0",
          "write-1",
          "write-2");
  private static final int PER_TRANSACTION = 100;

  @Option(
      names = "--deltas",
      defaultValue = "100000",
      description = "deltas written (default: ${DEFAULT-VALUE})")
  int deltas;

  @Option(
      names = "--keys",
      defaultValue = "1000",
      description = "knowledge keys, of every type (default: ${DEFAULT-VALUE})")
  int keys;

  @Option(
      names = "--repetitions",
      defaultValue = "5",
      description = "measured repetitions (default: ${DEFAULT-VALUE})")
  int repetitions;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "partitions of the topic (default: ${DEFAULT-VALUE})")
  int partitions;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (deltas < 1 || keys < 1 || repetitions < 1 || partitions < 1) {
      throw new IllegalArgumentException(
          "--deltas, --keys, --repetitions and --partitions must be >= 1");
    }
    try (ConclaveStack stack = openStack()) {
      ConclaveSettings settings =
          stack.prepare(
              ConclaveSettings.fromEnvironment()
                  .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                  .withTopicPrefix("bench-knowledge")
                  .withPartitions(partitions));
      ConclaveSerdes serdes = new ConclaveSerdes(settings.registry());
      out.printf(
          "knowledge merge vs raw Kafka: %,d deltas of %,d keys from %d agent instances, %d per transaction, "
              + "%d partitions, %d repetitions%n",
          deltas, keys, REPLICAS.size(), PER_TRANSACTION, partitions, repetitions);
      Map<String, Crdt> expected = write(settings, serdes);
      List<Double> topology = new ArrayList<>();
      List<Double> raw = new ArrayList<>();
      List<Double> rawDecoding = new ArrayList<>();
      // warm-up: each side once over the whole topic, unmeasured
      progress().step("warming up");
      read(settings, null);
      read(settings, serdes.knowledgeDelta().deserializer());
      merge(stack, settings, serdes, 0, expected);
      for (int r = 1; r <= repetitions; r++) {
        progress().step(nth("repetition", r, repetitions));
        raw.add(read(settings, null));
        rawDecoding.add(read(settings, serdes.knowledgeDelta().deserializer()));
        topology.add(merge(stack, settings, serdes, r, expected));
        out.printf(
            "repetition %d: topology %,.0f deltas/s; raw consumer %,.0f/s (%,.0f/s decoding Avro)%n",
            r, topology.get(r - 1), raw.get(r - 1), rawDecoding.get(r - 1));
      }
      out.println();
      out.printf("%-22s %14s %14s %14s %12s%n", "deltas/s", "median", "min", "max", "median ratio");
      print("topology (merged)", topology, Medians.of(raw));
      print("raw consumer (bytes)", raw, Medians.of(raw));
      print("raw consumer (Avro)", rawDecoding, Medians.of(raw));
      figures.add(
          BenchFigure.compared(
              "knowledge",
              "merge (vs a raw consumer)",
              "deltas/s",
              topology,
              raw,
              Optional.empty()));
      figures.add(
          BenchFigure.compared(
              "knowledge",
              "merge (vs a raw consumer decoding Avro)",
              "deltas/s",
              topology,
              rawDecoding,
              Optional.empty()));
    }
    return 0;
  }

  private void print(String what, List<Double> rates, double rawMedian) {
    double median = Medians.of(rates);
    out.printf(
        "%-22s %,14.0f %,14.0f %,14.0f %12.4f%n",
        what, median, Collections.min(rates), Collections.max(rates), median / rawMedian);
  }

  /** Writes the deltas as agents would; returns the merge of all of them by key. */
  private Map<String, Crdt> write(ConclaveSettings settings, ConclaveSerdes serdes) {
    var records = new ConclaveRecords(settings, serdes);
    Map<String, Map<String, Crdt>> views = new HashMap<>();
    Map<String, HybridClock> clocks = new HashMap<>();
    Map<String, Crdt> merged = new HashMap<>();
    Map<String, Long> sequences = new HashMap<>();
    Random random = new Random(42);
    long t0 = System.nanoTime();
    try (var producer =
        new KafkaProducer<byte[], byte[]>(
            ClientConfigs.transactionalProducer(
                settings.kafka(), settings.topics().prefix() + "-writer"))) {
      producer.initTransactions();
      for (int done = 0; done < deltas; ) {
        producer.beginTransaction();
        for (int i = 0; i < PER_TRANSACTION && done < deltas; i++, done++) {
          String replica = REPLICAS.get(random.nextInt(REPLICAS.size()));
          int k = random.nextInt(keys);
          String key = "bench.k" + k;
          Map<String, Crdt> view = views.computeIfAbsent(replica, r -> new HashMap<>());
          HybridClock clock =
              clocks.computeIfAbsent(replica, r -> new HybridClock(Clock.systemUTC()));
          KnowledgeType type = KnowledgeType.values()[k % KnowledgeType.values().length];
          Crdt current = view.getOrDefault(key, type.empty());
          Crdt delta =
              switch (type) {
                case G_COUNTER -> ((GCounter) current).increment(replica, 1);
                case PN_COUNTER ->
                    ((PNCounter) current)
                        .increment(replica, 2)
                        .merge(((PNCounter) current).decrement(replica, 1));
                case OR_SET ->
                    random.nextInt(4) == 0 && !((OrSet) current).value().isEmpty()
                        ? ((OrSet) current).remove(((OrSet) current).value().iterator().next())
                        : ((OrSet) current).add(replica, "e" + random.nextInt(20));
                case LWW_REGISTER -> ((LwwRegister) current).set("v" + done, clock.now(), replica);
                case LWW_MAP ->
                    ((LwwMap) current)
                        .put("f" + random.nextInt(10), "v" + done, clock.now(), replica);
              };
          view.merge(key, delta, Crdt::merge);
          merged.merge(key, delta, Crdt::merge);
          long sequence = sequences.merge(replica, 1L, Long::sum);
          producer.send(
              records.knowledge(
                  new KnowledgeDelta(
                      key,
                      replica,
                      sequence,
                      Optional.empty(),
                      Clock.systemUTC().instant(),
                      delta)));
        }
        producer.commitTransaction();
      }
    }
    out.printf("written at %,.0f deltas/s%n", deltas * 1e9 / (System.nanoTime() - t0));
    return merged;
  }

  /**
   * Reads the whole topic once (decoding each value if a reader is given); returns records per
   * second.
   */
  private double read(ConclaveSettings settings, Deserializer<KnowledgeDelta> reader) {
    String topic = settings.topics().knowledge();
    Map<String, Object> config = ClientConfigs.consumer(settings.kafka(), null);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000); // as Kafka Streams polls
    long n = 0;
    try (var consumer = new KafkaConsumer<byte[], byte[]>(config)) {
      List<TopicPartition> all = partitions(topic);
      consumer.assign(all);
      consumer.seekToBeginning(all);
      Map<TopicPartition, Long> end = consumer.endOffsets(all);
      long t0 = System.nanoTime();
      while (all.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (var record : consumer.poll(Duration.ofMillis(100))) {
          if (reader != null) {
            reader.deserialize(topic, record.value());
          }
          n++;
        }
      }
      if (n != deltas) {
        throw new IllegalStateException("read " + n + " deltas of " + deltas);
      }
      return n * 1e9 / (System.nanoTime() - t0);
    }
  }

  private List<TopicPartition> partitions(String topic) {
    List<TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(new TopicPartition(topic, p));
    }
    return all;
  }

  /**
   * Runs the knowledge topology as a new application over the whole topic: the time from its
   * reaching RUNNING to its committed offsets reaching the topic's end. Checks that its store holds
   * exactly the expected merges.
   */
  private double merge(
      ConclaveStack stack,
      ConclaveSettings settings,
      ConclaveSerdes serdes,
      int repetition,
      Map<String, Crdt> expected)
      throws Exception {
    String applicationId = settings.topics().prefix() + "-merge-" + repetition;
    Path stateDir = Files.createTempDirectory("bench-knowledge-streams");
    Properties props = new Properties();
    // the projections' settings (projections/src/main/resources/application.yml)
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.putAll(settings.kafka().clientProperties());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    String topic = settings.topics().knowledge();
    AtomicLong runningAt = new AtomicLong();
    try (var streams = new KafkaStreams(topology(settings, serdes), props);
        Admin admin = stack.admin();
        var probe =
            new KafkaConsumer<byte[], byte[]>(ClientConfigs.consumer(settings.kafka(), null))) {
      Map<TopicPartition, Long> end = probe.endOffsets(partitions(topic));
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
              runningAt.compareAndSet(0, System.nanoTime());
            }
          });
      streams.start();
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
        if (end.entrySet().stream()
            .allMatch(
                e ->
                    committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue())) {
          break;
        }
        Thread.sleep(20);
      }
      long done = System.nanoTime();
      check(streams, expected);
      return deltas * 1e9 / (done - runningAt.get());
    }
  }

  /** The projections' knowledge sub-topology alone: the other projections read nothing here. */
  private static Topology topology(ConclaveSettings settings, ConclaveSerdes serdes) {
    StreamsBuilder builder = new StreamsBuilder();
    KnowledgeTopology.addTo(
        builder,
        settings.topics(),
        serdes.knowledgeDelta(),
        serdes.deadLetter(),
        KnowledgeTopology.DEFAULT_HISTORY_RETENTION);
    return builder.build();
  }

  /**
   * The store must hold exactly the merge of every delta of each key, or the figure means nothing.
   */
  private static void check(KafkaStreams streams, Map<String, Crdt> expected) {
    ReadOnlyKeyValueStore<String, KnowledgeState> store =
        streams.store(
            StoreQueryParameters.fromNameAndType(
                KnowledgeTopology.STORE, QueryableStoreTypes.keyValueStore()));
    Map<String, Crdt> merged = new HashMap<>();
    try (var all = store.all()) {
      all.forEachRemaining(kv -> merged.put(kv.key, kv.value.crdt()));
    }
    if (!merged.equals(expected)) {
      throw new IllegalStateException(
          "the topology's store differs from the merge of the deltas written: "
              + merged.size()
              + " keys vs "
              + expected.size());
    }
  }
}
