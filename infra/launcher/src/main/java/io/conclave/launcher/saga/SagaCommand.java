package io.conclave.launcher.saga;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaDefinitions;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaIds;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.sagas.SagaQuery;
import io.conclave.projections.sagas.SagaRequest;
import io.conclave.projections.sagas.SagaSummary;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.readers.SagaDefinitionCatalog;
import io.conclave.runtime.readers.TopicReplay;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conclave saga start|list|show|approve|register|definitions}: sagas straight on Kafka, as
 * the HTTP API does them: start a task with a saga from a YAML or JSON file, show a saga as the
 * fold of its events, decide an approval step, register a saga definition by name and list them.
 */
@Command(
    name = "saga",
    description = "Start, show and approve sagas.",
    mixinStandardHelpOptions = true,
    subcommands = {
      SagaCommand.Start.class,
      SagaCommand.ListSagas.class,
      SagaCommand.Show.class,
      SagaCommand.Approve.class,
      SagaCommand.Register.class,
      SagaCommand.Definitions.class
    })
public final class SagaCommand {
  private SagaCommand() {}

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description =
          "Submit a task with the saga in FILE (YAML or JSON, as POST /sagas takes it); prints the saga id.")
  static final class Start implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "{taskId?, prompt, steps: [...]}")
    Path file;

    @Option(
        names = "--json",
        description =
            "print the saga id, its task id and where the task was written as one "
                + "line of JSON")
    boolean json;

    /**
     * What {@code --json} prints: the saga, and where its task was written ({@code topic}, {@code
     * partition}, ...).
     */
    record Started(String sagaId, String taskId, String topic, int partition, long offset) {}

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      SagaRequest request = SagaRequest.fromYaml(Files.readString(file));
      SagaDefinition.requireKnownAgentTypes(request.saga().steps(), settings.agentTypes());
      TaskSubmission task = request.submission(Clock.systemUTC().instant());
      RecordMetadata written =
          write(
              settings,
              new ConclaveRecords(settings, new ConclaveSerdes(settings.registry())).task(task));
      String sagaId = SagaIds.of(task.taskId());
      System.out.println(
          json
              ? CliJson.line(
                  new Started(
                      sagaId,
                      task.taskId(),
                      written.topic(),
                      written.partition(),
                      written.offset()))
              : sagaId);
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "The sagas, newest first, with their status: folded from the saga-events topic, as GET /sagas "
              + "summarises them.")
  static final class ListSagas implements Callable<Integer> {
    @Option(
        names = "--status",
        description = "only sagas in this status (running, completed, aborted, ...)")
    String status;

    @Option(
        names = "--limit",
        defaultValue = "20",
        description = "at most this many (default: ${DEFAULT-VALUE}; at most 1000)")
    int limit;

    @Option(
        names = "--json",
        description = "print the list as one line of JSON (the fields of GET /sagas)")
    boolean json;

    @Override
    public Integer call() {
      SagaQuery query = SagaQuery.parse(status, Integer.toString(limit));
      ConclaveSettings settings = Endpoints.resolve();
      String topic = settings.topics().sagaEvents();
      var reader = new ConclaveSerdes(settings.registry()).sagaEvent().deserializer();
      SagaListing listing = new SagaListing();
      TopicReplay.read(
          settings.kafka(),
          TopicReplay.Request.of(topic, LogPosition.beginning()),
          r -> r.value() != null,
          r -> listing.add(reader.deserialize(topic, r.value())));
      List<SagaSummary> sagas = listing.newestFirst(query);
      if (json) {
        System.out.println(CliJson.line(sagas));
      } else {
        sagas.forEach(s -> System.out.println(SagaListing.line(s)));
      }
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "The saga's status and steps, folded from its events on the saga-events topic.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SAGA_ID")
    String sagaId;

    @Option(
        names = "--json",
        description = "print the saga as one line of JSON (the fields of GET /sagas/{id})")
    boolean json;

    @Override
    public Integer call() {
      SagaState saga = fold(Endpoints.resolve(), sagaId);
      if (json) {
        System.out.println(CliJson.line(saga));
        return 0;
      }
      System.out.printf(
          "%s  %s  started %s%s%n",
          saga.sagaId(),
          saga.status(),
          saga.startedAt(),
          saga.endedAt() == null ? "" : ", ended " + saga.endedAt());
      if (saga.reason() != null) {
        System.out.println("  reason: " + saga.reason());
      }
      for (SagaState.StepState s : saga.steps()) {
        String text = s.output() != null ? s.output() : s.error() != null ? s.error() : "";
        System.out.printf(
            "  %2d %s%-28s %-17s %s%s%n",
            s.index(),
            s.parallel() ? "|" : " ",
            s.agentType() + "." + s.action(),
            s.status(),
            abbreviate(text),
            s.compensation() == SagaState.CompensationStatus.NONE
                ? ""
                : "  [compensation "
                    + s.compensation()
                    + (s.compensationAttempt() > 1 ? " attempt " + s.compensationAttempt() : "")
                    + "]");
      }
      return 0;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description =
          "Decide approval step STEP of a saga that waits for it (--reject to reject; the saga then "
              + "compensates). The shard leader carries out the first decision for a step still waiting.")
  static final class Approve implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SAGA_ID")
    String sagaId;

    @Parameters(index = "1", paramLabel = "STEP")
    int step;

    @Option(names = "--reject", description = "reject instead of approve")
    boolean reject;

    @Option(names = "--actor", description = "who decides", defaultValue = "${sys:user.name}")
    String actor;

    @Option(names = "--comment", defaultValue = "")
    String comment;

    @Option(
        names = "--json",
        description = "print the decision and where it was written as one line of JSON")
    boolean json;

    /**
     * What {@code --json} prints: the decision, and where it was written on the saga-events topic
     * ({@code topic}, {@code partition}, {@code offset}); the shard leader carries it out from
     * there.
     */
    record Decided(
        String sagaId,
        int step,
        boolean approved,
        String actor,
        String comment,
        String topic,
        int partition,
        long offset) {}

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      SagaState saga = fold(settings, sagaId);
      if (step < 0 || step >= saga.steps().size() || !saga.plan().get(step).isApproval()) {
        throw new IllegalArgumentException(
            "step " + step + " of " + sagaId + " is not an approval step");
      }
      SagaState.StepState waiting = saga.steps().get(step);
      if (waiting.status() != SagaState.StepStatus.AWAITING_APPROVAL
          || waiting.approval() != null) {
        System.err.printf(
            "step %d of %s does not wait for a decision: it is %s%s%n",
            step,
            sagaId,
            waiting.status(),
            waiting.approval() == null ? "" : " (decided by " + waiting.approval().actor() + ")");
        return 2;
      }
      var decided =
          new SagaEvent.ApprovalDecided(
              sagaId, saga.taskId(), step, !reject, actor, comment, Clock.systemUTC().instant());
      RecordMetadata written =
          write(
              settings,
              new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()))
                  .sagaEvent(decided));
      if (json) {
        System.out.println(
            CliJson.line(
                new Decided(
                    sagaId,
                    step,
                    decided.approved(),
                    actor,
                    comment,
                    written.topic(),
                    written.partition(),
                    written.offset())));
      } else {
        System.out.printf("%s step %d %s%n", sagaId, step, reject ? "rejected" : "approved");
      }
      return 0;
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description =
          "Register the saga definition in FILE (YAML or JSON: {steps: [...]}, or a file 'saga start' "
              + "takes, whose task fields are left out) under NAME, replacing any of that name; "
              + "'task submit --definition NAME' runs it.")
  static final class Register implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "{steps: [...]}")
    Path file;

    private static final List<String> TASK_FIELDS = List.of("taskId", "prompt", "tenant");

    @Option(names = "--name", required = true, description = "the definition's name")
    String name;

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      Object tree = SagaRequest.readYaml(Files.readString(file));
      if (tree instanceof Map<?, ?> root) {
        // a definition is the steps of a saga start's file, without the task
        Map<Object, Object> steps = new HashMap<>(root);
        TASK_FIELDS.forEach(steps::remove);
        tree = steps;
      }
      SagaDefinition definition = SagaDefinitions.fromTree(tree);
      SagaDefinition.requireKnownAgentTypes(definition.steps(), settings.agentTypes());
      RecordMetadata written =
          write(
              settings,
              new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()))
                  .sagaDefinition(
                      new RegisteredSaga(name, definition, Clock.systemUTC().instant())));
      System.out.println(name);
      System.err.printf(
          "registered in %s-%d@%d%n", written.topic(), written.partition(), written.offset());
      return 0;
    }
  }

  @Command(
      name = "definitions",
      mixinStandardHelpOptions = true,
      description = "The registered saga definitions, or the one named NAME, in JSON.")
  static final class Definitions implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME")
    String name;

    /** One line of the listing: the definition in the format {@code register} takes. */
    record Listed(String name, String registeredAt, Object steps) {}

    @Override
    public Integer call() {
      ConclaveSettings settings = Endpoints.resolve();
      var catalog = new SagaDefinitionCatalog(settings, new ConclaveSerdes(settings.registry()));
      try (var scan = new TopicScan(settings.kafka())) {
        var all = catalog.all(scan);
        if (name != null && !all.containsKey(name)) {
          System.err.printf("no saga definition named '%s'; registered: %s%n", name, all.keySet());
          return 2;
        }
        all.values().stream()
            .filter(d -> name == null || d.name().equals(name))
            .forEach(
                d ->
                    System.out.println(
                        CliJson.line(
                            new Listed(
                                d.name(),
                                d.registeredAt().toString(),
                                SagaDefinitions.toTree(d.definition()).get("steps")))));
      }
      return 0;
    }
  }

  /** The saga as the fold of its events (read_committed) in its task's shard. */
  static SagaState fold(ConclaveSettings settings, String sagaId) {
    SagaIds.taskIdOf(sagaId); // a saga id, not a task id
    try (var recording = new SagaRecording(settings, new ConclaveSerdes(settings.registry()))) {
      return recording.state(sagaId);
    }
  }

  private static RecordMetadata write(
      ConclaveSettings settings, ProducerRecord<byte[], byte[]> record) throws Exception {
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
      return producer.send(record).get(30, TimeUnit.SECONDS);
    }
  }

  private static String abbreviate(String s) {
    String line = s.replace('\n', ' ');
    return line.length() <= 60 ? line : line.substring(0, 57) + "...";
  }
}
