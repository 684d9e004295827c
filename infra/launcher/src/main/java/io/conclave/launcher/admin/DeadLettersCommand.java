package io.conclave.launcher.admin;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.projections.operations.DeadLetterView;
import io.conclave.runtime.admin.DeadLetterRedrive;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.readers.TopicReplay;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.ConclaveSerdes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conclave dead-letters list|redrive}: the records a consumer could not handle, and writing
 * one back where it came from.
 */
@Command(
    name = "dead-letters",
    description =
        "Records Conclave's consumers could not handle (GET /dead-letters lists them too).",
    mixinStandardHelpOptions = true,
    subcommands = {DeadLettersCommand.ListLetters.class, DeadLettersCommand.Redrive.class})
public final class DeadLettersCommand {
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "The dead letters, oldest first per partition: where each is (what redrive takes), the "
              + "failed record's key and source, why it failed and when.")
  static final class ListLetters implements Callable<Integer> {
    @Option(names = "--partition", description = "only this partition of conclave.dead-letters")
    Integer partition;

    @Option(
        names = "--from-offset",
        defaultValue = "0",
        description = "from this offset of each partition (default: ${DEFAULT-VALUE})")
    long from;

    @Option(
        names = "--limit",
        defaultValue = "100",
        description = "at most this many (default: ${DEFAULT-VALUE})")
    long limit;

    @Option(
        names = "--json",
        description = "print the list as one line of JSON (the fields of GET /dead-letters)")
    boolean json;

    @Override
    public Integer call() {
      ConclaveSettings settings = Endpoints.resolve();
      var request =
          TopicReplay.Request.of(settings.topics().deadLetters(), new LogPosition.Offset(from))
              .withMax(limit);
      if (partition != null) {
        request = request.withPartition(partition);
      }
      var reader = new ConclaveSerdes(settings.registry()).deadLetter().deserializer();
      List<DeadLetterView> letters = new ArrayList<>();
      TopicReplay.read(
          settings.kafka(), request, r -> true, r -> letters.add(DeadLetterView.of(r, reader)));
      if (json) {
        System.out.println(CliJson.line(letters));
      } else {
        letters.forEach(l -> System.out.println(line(l)));
      }
      return 0;
    }

    /** One dead letter in a line: where it is, its key, where it came from, why and when. */
    static String line(DeadLetterView l) {
      String key =
          l.key() != null ? l.key() : l.keyBase64() != null ? "base64:" + l.keyBase64() : "-";
      return l.sourceTopic() == null
          ? String.format("%d@%d  %s", l.partition(), l.offset(), l.errorMessage())
          : String.format(
              "%d@%d  key %s  from %s-%d@%d  %s: %s  at %s",
              l.partition(),
              l.offset(),
              key,
              l.sourceTopic(),
              l.sourcePartition(),
              l.sourceOffset(),
              l.errorClass(),
              l.errorMessage(),
              l.at());
    }
  }

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
