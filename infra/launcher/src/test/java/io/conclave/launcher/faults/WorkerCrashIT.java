package io.conclave.launcher.faults;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.launcher.harness.SagaChecks;
import io.conclave.model.eventlog.AgentIds;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.saga.SagaEvent;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.AgentLogs;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.conclave.worker.OfflineAgent;
import io.conclave.worker.StepEngine;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker process is killed (SIGKILL, as kill -9) while a transaction of its steps is open, and
 * another worker process takes its agents over. Every agent's log stays gap-free and repeats
 * nothing, every step runs once, and the rebuilt agents work on exactly the state their logs fold
 * to: the state before the crash.
 */
@ExtendWith(ConclaveStackExtension.class)
class WorkerCrashIT {
  private static final int TASKS = 30;

  @Test
  void aWorkerKilledMidBatchLosesNothingAndRepeatsNothing(ConclaveStack stack) throws Exception {
    // Given: one worker process whose model takes 20 ms an answer (a batch of steps is a long
    // transaction), a
    // snapshot every 4 decisions, and a burst of tasks
    ConclaveSettings settings = stack.isolated("crash").withSnapshotEvery(4);
    try (InProcessConclave conclave =
            InProcessConclave.with(settings)
                .workers(0)
                .workerProcesses(1, List.of("-Dconclave.offline.latency-ms=20"))
                .noProjections()
                .start();
        Admin admin = stack.admin()) {
      StackClient client = conclave.client();
      for (int i = 0; i < TASKS; i++) {
        client.submit("c-" + i, "question " + i);
      }

      // When: some steps have committed and a transaction of the worker is open, the worker is
      // killed. Only workers write to the command topics of later steps, so an open transaction
      // there is the worker's.
      List<String> workerOnly =
          List.of(settings.topics().commands("analysis"), settings.topics().commands("write"));
      eventually(() -> assertThat(completedSteps(client)).isGreaterThanOrEqualTo(TASKS / 2));
      // polled this often to catch a transaction of the worker while it is open
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> !openTransactions(admin, settings, workerOnly).isEmpty());
      conclave.workerProcesses().get(0).kill();
      System.out.println(
          "worker-1 killed with open transactions on "
              + openTransactions(admin, settings, workerOnly));
      conclave.startWorkerProcess();

      // Then: every saga completes, each step once
      SagaChecks.assertEverySagaRanOnce(client, "c-", TASKS);

      // ... the killed transaction was really cut: its records are in the log, aborted, seen by no
      // reader
      assertThat(records(settings, workerOnly, "read_uncommitted"))
          .isGreaterThan(records(settings, workerOnly, "read_committed"));

      // ... every agent's log is gap-free and repeats nothing, and each result was produced on the
      // state its log folds to (the offline agent numbers its results by the steps in its state)
      int checked = 0;
      try (AgentLogs logs = new AgentLogs(settings, new ConclaveSerdes(settings.registry()))) {
        for (String type : settings.agentTypes()) {
          for (int p = 0; p < settings.partitions(); p++) {
            String agentId = AgentIds.of(type, p);
            List<StackClient.Logged> log = client.decisionsOf(agentId);
            if (log.isEmpty()) {
              continue;
            }
            checked++;
            assertThat(log)
                .extracting(l -> l.decision().sequence())
                .as(agentId)
                .containsExactlyElementsOf(LongStream.range(0, log.size()).boxed().toList());
            long results = 0;
            for (StackClient.Logged l : log) {
              if (l.decision().kind().equals(StepEngine.RESULT_DECISION)) {
                results++;
                assertThat(l.decision().payload())
                    .as(agentId + " result " + results)
                    .startsWith(type + "." + actionOf(type) + "#" + results + "[");
              }
            }
            // the state a new owner rebuilds (latest snapshot + tail) is the fold of the whole log
            FoldedLog<OfflineAgent.Memory> rebuilt = logs.current(agentId, OfflineAgent.FOLD);
            FoldedLog<OfflineAgent.Memory> whole =
                logs.fold(agentId, OfflineAgent.FOLD, new AgentLogs.Bound.End(), false);
            assertThat(rebuilt.state()).as(agentId).isEqualTo(whole.state());
            assertThat(rebuilt.nextSequence())
                .isEqualTo(whole.nextSequence())
                .isEqualTo(log.size());
            assertThat(whole.gaps()).isZero();
            assertThat(whole.state().steps()).isEqualTo(results);
            if (log.size() >= 2 * settings.snapshotEvery()) {
              assertThat(rebuilt.snapshot()).as(agentId + " has a snapshot").isPresent();
            }
          }
        }
      }
      assertThat(checked).isEqualTo(settings.agentTypes().size() * settings.partitions());
    }
  }

  private static String actionOf(String type) {
    return switch (type) {
      case "research" -> "gather";
      case "analysis" -> "analyze";
      default -> "draft";
    };
  }

  private static long completedSteps(StackClient client) {
    return client.sagaEvents().stream().filter(e -> e instanceof SagaEvent.StepCompleted).count();
  }

  /** Partitions of the topics with an open transaction: records past the last stable offset. */
  private static List<TopicPartition> openTransactions(
      Admin admin, ConclaveSettings settings, List<String> topics) throws Exception {
    Map<TopicPartition, Long> stable = ends(admin, settings, topics, IsolationLevel.READ_COMMITTED);
    Map<TopicPartition, Long> written =
        ends(admin, settings, topics, IsolationLevel.READ_UNCOMMITTED);
    return stable.keySet().stream().filter(tp -> stable.get(tp) < written.get(tp)).toList();
  }

  private static Map<TopicPartition, Long> ends(
      Admin admin, ConclaveSettings settings, List<String> topics, IsolationLevel isolation)
      throws Exception {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    for (String topic : topics) {
      for (int p = 0; p < settings.partitions(); p++) {
        query.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    admin
        .listOffsets(query, new ListOffsetsOptions(isolation))
        .all()
        .get(10, TimeUnit.SECONDS)
        .forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  /**
   * Data records in the topics a consumer with this isolation level reads (aborted ones only
   * read_uncommitted).
   */
  private static long records(ConclaveSettings settings, List<String> topics, String isolation) {
    Map<String, Object> config = ClientConfigs.consumer(settings.kafka(), null);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    long n = 0;
    try (var consumer = new KafkaConsumer<byte[], byte[]>(config)) {
      for (String topic : topics) {
        for (int p = 0; p < settings.partitions(); p++) {
          TopicPartition tp = new TopicPartition(topic, p);
          consumer.assign(List.of(tp));
          consumer.seekToBeginning(List.of(tp));
          long end = consumer.endOffsets(List.of(tp)).get(tp);
          while (consumer.position(tp) < end) {
            n += consumer.poll(Duration.ofMillis(200)).count();
          }
        }
      }
    }
    return n;
  }
}
