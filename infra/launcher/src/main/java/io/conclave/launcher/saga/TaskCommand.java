package io.conclave.launcher.saga;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.Spending;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conclave task submit}: put a task on conclave.tasks, as any Kafka producer could. */
@Command(
    name = "task",
    description = "Submit tasks.",
    mixinStandardHelpOptions = true,
    subcommands = TaskCommand.Submit.class)
public final class TaskCommand {
  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = "Produce a TaskSubmitted event to the tasks topic; prints the task id.")
  static final class Submit implements Callable<Integer> {
    @Option(names = "--id", description = "task id (the idempotency key); a new UUID by default")
    String id;

    @Option(
        names = "--tenant",
        description = "who the task's model calls are charged to (default: ${DEFAULT-VALUE})")
    String tenant = Spending.DEFAULT_TENANT;

    @Option(
        names = "--definition",
        description =
            "the registered saga definition to run ('saga register'); by default the planner plans the task")
    String definition;

    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "what the agents should do")
    List<String> prompt;

    @Option(
        names = "--json",
        description = "print the task id and where it was written as one line of JSON")
    boolean json;

    /** What {@code --json} prints. */
    record Submitted(String taskId, String topic, int partition, long offset) {}

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      var task =
          new TaskSubmission(
              id == null ? UUID.randomUUID().toString() : id,
              String.join(" ", prompt),
              Clock.systemUTC().instant(),
              Optional.empty(),
              tenant,
              Optional.ofNullable(definition));
      var records = new ConclaveRecords(settings, new ConclaveSerdes(settings.registry()));
      try (var producer =
          new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
        RecordMetadata written = producer.send(records.task(task)).get(30, TimeUnit.SECONDS);
        if (json) {
          System.out.println(
              CliJson.line(
                  new Submitted(
                      task.taskId(), written.topic(), written.partition(), written.offset())));
        } else {
          System.out.println(task.taskId());
          System.err.printf(
              "submitted to %s-%d@%d%n", written.topic(), written.partition(), written.offset());
        }
      }
      return 0;
    }
  }
}
