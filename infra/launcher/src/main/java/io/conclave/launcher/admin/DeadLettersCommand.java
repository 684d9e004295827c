package io.conclave.launcher.admin;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.runtime.admin.DeadLetterRedrive;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conclave dead-letters redrive}: write a record a consumer could not handle back where it
 * came from.
 */
@Command(
    name = "dead-letters",
    description =
        "Records Conclave's consumers could not handle (GET /dead-letters " + "lists them).",
    mixinStandardHelpOptions = true,
    subcommands = DeadLettersCommand.Redrive.class)
public final class DeadLettersCommand {
  @Command(
      name = "redrive",
      mixinStandardHelpOptions = true,
      description =
          "Once its cause is fixed, write a dead letter's record back to the topic and partition it came "
              + "from, with its key and value as they were, for its consumer to handle again. Each run writes it again: "
              + "tasks are safe to re-drive (a task submitted again starts no second saga).")
  static final class Redrive implements Callable<Integer> {
    @Parameters(
        paramLabel = "OFFSET",
        description = "the dead letter's offset in conclave.dead-letters")
    long offset;

    @Option(
        names = "--partition",
        defaultValue = "0",
        description =
            "the dead letter's partition of conclave.dead-letters (default: ${DEFAULT-VALUE})")
    int partition;

    @Option(
        names = "--json",
        description = "print the dead letter and where its record went as one line of JSON")
    boolean json;

    /**
     * What {@code --json} prints.
     *
     * @param deadLetter where the dead letter is ({@code topic-partition@offset})
     * @param topic where its record was written back, with {@code partition} and {@code offset}
     */
    record Redriven(
        String deadLetter,
        String errorClass,
        String errorMessage,
        String topic,
        int partition,
        long offset) {}

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      DeadLetterRedrive.Outcome outcome;
      try (var producer =
          new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
        outcome =
            DeadLetterRedrive.redrive(
                settings,
                new ConclaveSerdes(settings.registry()).deadLetter().deserializer(),
                partition,
                offset,
                r -> producer.send(r).get());
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      if (outcome instanceof DeadLetterRedrive.Redriven done) {
        if (json) {
          System.out.println(
              CliJson.line(
                  new Redriven(
                      done.deadLetter() + "@" + done.offset(),
                      done.letter().errorClass(),
                      done.letter().errorMessage(),
                      done.written().topic(),
                      done.written().partition(),
                      done.writtenOffset())));
          return 0;
        }
        System.out.printf(
            "re-drove %s@%d (%s: %s) to %s@%d%n",
            done.deadLetter(),
            done.offset(),
            done.letter().errorClass(),
            done.letter().errorMessage(),
            done.written(),
            done.writtenOffset());
        return 0;
      }
      System.err.println(((DeadLetterRedrive.NotFound) outcome).reason());
      return 1;
    }
  }
}
