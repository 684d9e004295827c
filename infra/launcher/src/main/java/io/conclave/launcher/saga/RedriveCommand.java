package io.conclave.launcher.saga;

import io.conclave.agent.Agent;
import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.launcher.cli.Progress;
import io.conclave.model.cluster.RedrivenStep;
import io.conclave.model.eventlog.StateFold;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import io.conclave.worker.Agents;
import io.conclave.worker.Redrive;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conclave redrive SAGA}: re-runs the steps of a recorded saga with the agents on this class
 * path (the {@code AgentProvider}s; put a new agent version first with {@code CONCLAVE_CLASSPATH}),
 * each from its recorded state and with its recorded model answers, side effects off. Each re-run
 * step goes to the shadow topic; nothing reaches the real topics. Which step it re-runs goes to
 * standard error, as {@link Progress}.
 */
@Command(
    name = "redrive",
    mixinStandardHelpOptions = true,
    description = {
      "Re-run a recorded saga's steps with the agents on the class path, over the recorded model "
          + "answers and states, side effects off; reports go to the shadow topic.",
      "Each step, as it is re-run, goes to standard error (--quiet: nothing)."
    })
public final class RedriveCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SAGA", description = "the saga id (saga-<task>) or the task id")
  String saga;

  @Option(names = "--agent-type", description = "only the steps of this agent type")
  String agentType;

  @Option(
      names = "--json",
      description =
          "print {redriveId, sagaId, shadowTopic, same, steps: [...]} as one line of "
              + "JSON, each step as written to the shadow topic")
  boolean json;

  @Option(
      names = "--offline-agents",
      description =
          "the offline demo agents (those conclave dev runs) for the types no agent provider on "
              + "the class path supplies; also on with conclave.worker.offline-agents=true")
  boolean offlineAgents;

  @Mixin Progress.Quiet quiet;

  /**
   * What {@code --json} prints.
   *
   * @param redriveId the id of this re-drive, on each of its reports in {@code shadowTopic}
   * @param same how many of {@code steps} ended as recorded
   * @param steps the reports, in the order of the saga's steps
   */
  public record Redriven(
      String redriveId, String sagaId, String shadowTopic, long same, List<RedrivenStep> steps) {
    public Redriven {
      steps = List.copyOf(steps);
    }

    public static Redriven of(
        String redriveId, String sagaId, String shadowTopic, List<RedrivenStep> steps) {
      return new Redriven(
          redriveId,
          sagaId,
          shadowTopic,
          steps.stream().filter(s -> s.outcome() == RedrivenStep.Outcome.SAME).count(),
          steps);
    }
  }

  @Override
  public Integer call() throws Exception {
    ConclaveSettings settings = Endpoints.resolve();
    Agents available = Agents.fromEnvironment(EnvironmentLookup.ofProcess());
    Redriven done =
        redrive(
            settings,
            saga,
            Optional.ofNullable(agentType),
            offlineAgents ? available.withOfflineAgents() : available,
            "redrive-" + UUID.randomUUID().toString().substring(0, 8),
            Clock.tickMillis(ZoneOffset.UTC),
            quiet.progress("redrive"),
            step -> {
              if (!json) {
                System.out.printf(
                    "step %d (%s): %s%s%n",
                    step.stepIndex(),
                    step.agentId(),
                    step.outcome(),
                    step.error().map(e -> " - " + e).orElse(""));
              }
            });
    if (json) {
      System.out.println(CliJson.line(done));
    } else {
      System.out.printf(
          "%d of %d steps as recorded; reports on %s%n",
          done.same(), done.steps().size(), done.shadowTopic());
    }
    return 0;
  }

  /**
   * Re-drives the saga's steps (those of {@code onlyType}, if given) one after the other and writes
   * each report to the shadow topic; tells {@code progress} which step it re-runs, and {@code each}
   * how each ended.
   */
  static Redriven redrive(
      ConclaveSettings settings,
      String sagaOrTaskId,
      Optional<String> onlyType,
      Agents agents,
      String redriveId,
      Clock clock,
      Progress progress,
      Consumer<RedrivenStep> each)
      throws Exception {
    ConclaveSerdes serdes = new ConclaveSerdes(settings.registry());
    ConclaveRecords records = new ConclaveRecords(settings, serdes);
    List<RedrivenStep> done = new ArrayList<>();
    try (SagaRecording recording = new SagaRecording(settings, serdes);
        var producer =
            new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
      SagaRecording.Saga saga = recording.saga(sagaOrTaskId);
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      String input = recording.prompt(saga.taskId());
      long toRun = saga.steps().stream().filter(ran -> chosen(saga, ran, onlyType)).count();
      for (SagaRecording.Ran ran : saga.steps()) {
        if (chosen(saga, ran, onlyType)) {
          String type = saga.plan().get(ran.index()).agentType();
          progress.step(
              "re-running step "
                  + ran.index()
                  + " ("
                  + type
                  + "), "
                  + (done.size() + 1)
                  + " of "
                  + toRun);
          RedrivenStep step =
              redriveStep(recording, saga, ran, input, agents.forType(type), redriveId, clock);
          sent.add(producer.send(records.redrivenStep(step)));
          done.add(step);
          each.accept(step);
        }
        // the next step worked on what this one recorded, whatever the re-run said
        input = ran.output().orElse(input);
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
      return Redriven.of(redriveId, saga.sagaId(), settings.topics().shadow(), done);
    }
  }

  private static boolean chosen(
      SagaRecording.Saga saga, SagaRecording.Ran ran, Optional<String> onlyType) {
    return onlyType.isEmpty() || onlyType.get().equals(saga.plan().get(ran.index()).agentType());
  }

  private static <S> RedrivenStep redriveStep(
      SagaRecording recording,
      SagaRecording.Saga saga,
      SagaRecording.Ran ran,
      String input,
      Agent<S> agent,
      String redriveId,
      Clock clock) {
    StateFold<S> fold = agent.fold();
    SagaRecording.Recorded<S> recorded = recording.step(saga, ran, input, fold);
    return Redrive.step(agent, recorded.step(), recorded.before(), redriveId, clock.instant());
  }
}
