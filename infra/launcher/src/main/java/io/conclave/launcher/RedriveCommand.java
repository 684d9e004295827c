package io.conclave.launcher;

import io.conclave.core.RedrivenStep;
import io.conclave.core.StateFold;
import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveRecords;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.worker.Agent;
import io.conclave.worker.Agents;
import io.conclave.worker.Redrive;
import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conclave redrive SAGA}: re-runs the steps of a recorded saga with the agents on this class path (the
 * {@code AgentProvider}s; put a new agent version first with {@code CONCLAVE_CLASSPATH}), each from its recorded
 * state and with its recorded model answers, side effects off. Each re-run step goes to the shadow topic; nothing
 * reaches the real topics.
 */
@Command(name = "redrive", mixinStandardHelpOptions = true,
    description = "Re-run a recorded saga's steps with the agents on the class path, over the recorded model "
        + "answers and states, side effects off; reports go to the shadow topic.")
final class RedriveCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SAGA", description = "the saga id (saga-<task>) or the task id")
  String saga;

  @Option(names = "--agent-type", description = "only the steps of this agent type")
  String agentType;

  @Override
  public Integer call() throws Exception {
    ConclaveSettings settings = Endpoints.resolve();
    List<RedrivenStep> steps = redrive(settings, saga, Optional.ofNullable(agentType), Agents.fromClassPath(),
        "redrive-" + UUID.randomUUID().toString().substring(0, 8), Clock.tickMillis(ZoneOffset.UTC), System.out);
    long same = steps.stream().filter(s -> s.outcome() == RedrivenStep.Outcome.SAME).count();
    System.out.printf("%d of %d steps as recorded; reports on %s%n", same, steps.size(), settings.topics().shadow());
    return 0;
  }

  /** Re-drives the saga's steps and writes each report to the shadow topic; returns the reports. */
  static List<RedrivenStep> redrive(ConclaveSettings settings, String sagaOrTaskId, Optional<String> onlyType,
                                    Agents agents, String redriveId, Clock clock, PrintStream out) throws Exception {
    ConclaveSerdes serdes = new ConclaveSerdes(settings.registry());
    ConclaveRecords records = new ConclaveRecords(settings, serdes);
    List<RedrivenStep> done = new ArrayList<>();
    try (SagaRecording recording = new SagaRecording(settings, serdes);
         var producer = new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
      SagaRecording.Saga saga = recording.saga(sagaOrTaskId);
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      String input = recording.prompt(saga.taskId());
      for (SagaRecording.Ran ran : saga.steps()) {
        String type = saga.plan().get(ran.index()).agentType();
        if (onlyType.isEmpty() || onlyType.get().equals(type)) {
          RedrivenStep step = redriveStep(recording, saga, ran, input, agents.forType(type), redriveId, clock);
          out.printf("step %d (%s): %s%s%n", step.stepIndex(), step.agentId(), step.outcome(),
              step.error().map(e -> " - " + e).orElse(""));
          sent.add(producer.send(records.redrivenStep(step)));
          done.add(step);
        }
        // the next step worked on what this one recorded, whatever the re-run said
        input = ran.output().orElse(input);
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
    return done;
  }

  private static <S> RedrivenStep redriveStep(SagaRecording recording, SagaRecording.Saga saga, SagaRecording.Ran ran,
                                              String input, Agent<S> agent, String redriveId, Clock clock) {
    StateFold<S> fold = agent.fold();
    SagaRecording.Recorded<S> recorded = recording.step(saga, ran, input, fold);
    return Redrive.step(agent, recorded.step(), recorded.before(), redriveId, clock.instant());
  }
}
