package io.conclave.launcher.faults;

import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.Http;
import io.conclave.testkit.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of separate JVMs on loopback: one controller-only node and {@code brokers}
 * broker-only nodes, each a {@code kafka.Kafka} child process on its own formatted storage
 * directory. Brokers can be killed (SIGKILL) and started again on the same directory. Replication
 * 3, {@code min.insync.replicas} 2, internal topics likewise, and the sub-second group session
 * timeouts Conclave's failover needs ({@link EmbeddedKafka#defaultBrokerConfig()}).
 */
final class BrokerCluster implements AutoCloseable {
  private static final int CONTROLLER_ID = 0;

  private final Path dir;
  private final PrintStream log;
  private final String clusterId = Uuid.randomUuid().toString();
  private final int controllerPort = freePort();
  private final List<Integer> brokerPorts = new ArrayList<>();
  private final List<ChildProcess> brokers = new ArrayList<>();
  private ChildProcess controller;

  /**
   * Kafka ignores {@code conclave.parent-pid}: the nodes are killed when this JVM exits, however
   * the test ended.
   */
  private final Thread reaper = new Thread(this::killAll, "broker-cluster-reaper");

  private BrokerCluster(Path dir, int brokerCount, PrintStream log) {
    this.dir = dir;
    this.log = log;
    for (int i = 0; i < brokerCount; i++) {
      brokerPorts.add(freePort());
      brokers.add(null);
    }
  }

  /**
   * Formats and starts the controller and the brokers, and waits until every broker has registered.
   */
  static BrokerCluster start(Path dir, int brokerCount, PrintStream log) {
    BrokerCluster cluster = new BrokerCluster(dir, brokerCount, log);
    Runtime.getRuntime().addShutdownHook(cluster.reaper);
    try {
      cluster.controller =
          cluster.launch("controller", cluster.format("controller", cluster.controllerConfig()));
      for (int i = 0; i < brokerCount; i++) {
        cluster.format(brokerName(i), cluster.brokerConfig(i));
        cluster.startBroker(i);
      }
      cluster.awaitBrokers(brokerCount, Duration.ofSeconds(90));
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  String bootstrapServers() {
    return brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  int brokerCount() {
    return brokers.size();
  }

  /** Kills broker {@code i} at once (SIGKILL): no controlled shutdown. */
  void killBroker(int i) {
    brokers.get(i).kill();
  }

  /** Starts broker {@code i} (again) on its storage directory. */
  void startBroker(int i) {
    brokers.set(i, launch(brokerName(i), dir.resolve(brokerName(i) + ".properties")));
  }

  /** Waits until {@code count} brokers are registered and unfenced. */
  void awaitBrokers(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      while (true) {
        try {
          if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
            return;
          }
        } catch (Exception e) {
          // brokers still starting
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              count + " brokers did not register within " + timeout + "; see " + dir);
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the brokers", e);
    }
  }

  private static String brokerName(int i) {
    return "broker-" + (i + 1);
  }

  private Map<String, String> controllerConfig() {
    Map<String, String> c = common();
    c.put("process.roles", "controller");
    c.put("node.id", Integer.toString(CONTROLLER_ID));
    c.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPort);
    c.put("log.dirs", dir.resolve("controller-data").toString());
    // the controller places the replicas of topics created without a replication factor (Kafka
    // Streams' own)
    c.put("default.replication.factor", "3");
    return c;
  }

  private Map<String, String> brokerConfig(int i) {
    Map<String, String> c = common();
    c.putAll(EmbeddedKafka.defaultBrokerConfig());
    c.put("process.roles", "broker");
    c.put("node.id", Integer.toString(i + 1));
    c.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(i));
    c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(i));
    c.put("inter.broker.listener.name", "PLAINTEXT");
    c.put("log.dirs", dir.resolve(brokerName(i) + "-data").toString());
    c.put("min.insync.replicas", "2");
    c.put("offsets.topic.replication.factor", "3");
    c.put("transaction.state.log.replication.factor", "3");
    c.put("transaction.state.log.min.isr", "2");
    // a small machine runs the whole cluster: few threads per broker
    c.put("num.network.threads", "2");
    c.put("num.io.threads", "2");
    c.put("num.replica.fetchers", "1");
    c.put("log.cleaner.threads", "1");
    c.put("background.threads", "2");
    return c;
  }

  private Map<String, String> common() {
    Map<String, String> c = new TreeMap<>();
    c.put("controller.quorum.voters", CONTROLLER_ID + "@127.0.0.1:" + controllerPort);
    c.put("controller.listener.names", "CONTROLLER");
    c.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    // a killed broker is noticed (and its partitions' leadership moved) within seconds, not the
    // default 9 s
    c.put("broker.session.timeout.ms", "3000");
    c.put("broker.heartbeat.interval.ms", "500");
    return c;
  }

  /**
   * Writes the node's properties and formats its storage in this JVM (as {@code kafka-storage.sh
   * format}).
   */
  private Path format(String name, Map<String, String> config) {
    Path file = dir.resolve(name + ".properties");
    try {
      Files.createDirectories(dir);
      Files.writeString(
          file,
          config.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("\n", "", "\n")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc =
        kafka.tools.StorageTool.execute(
            new String[] {"format", "-t", clusterId, "-c", file.toString()},
            new PrintStream(output, true, StandardCharsets.UTF_8));
    if (rc != 0) {
      throw new IllegalStateException(
          "formatting " + name + " failed: " + output.toString(StandardCharsets.UTF_8));
    }
    return file;
  }

  private ChildProcess launch(String name, Path properties) {
    return ChildProcess.start(name, "kafka.Kafka", List.of(), List.of(properties.toString()), log);
  }

  @Override
  public void close() {
    for (ChildProcess b : brokers) {
      if (b != null) {
        b.requestStop();
      }
    }
    for (ChildProcess b : brokers) {
      if (b != null) {
        b.awaitStop(15);
      }
    }
    if (controller != null) {
      controller.requestStop();
      controller.awaitStop(10);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }

  private void killAll() {
    brokers.stream().filter(b -> b != null && b.isAlive()).forEach(ChildProcess::kill);
    if (controller != null && controller.isAlive()) {
      controller.kill();
    }
  }

  private static int freePort() {
    try {
      return Http.freePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
