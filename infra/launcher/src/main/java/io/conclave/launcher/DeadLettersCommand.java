package io.conclave.launcher;

import io.conclave.core.DeadLetter;
import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.DeadLetters;
import io.conclave.kafka.TopicScan;
import io.conclave.schemas.ConclaveSerdes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conclave dead-letters redrive}: write a record a consumer could not handle back where it came from. */
@Command(name = "dead-letters", description = "Records Conclave's consumers could not handle (GET /dead-letters "
    + "lists them).", mixinStandardHelpOptions = true, subcommands = DeadLettersCommand.Redrive.class)
final class DeadLettersCommand {
  @Command(name = "redrive", mixinStandardHelpOptions = true,
      description = "Once its cause is fixed, write a dead letter's record back to the topic and partition it came "
          + "from, with its key and value as they were, for its consumer to handle again. Each run writes it again: "
          + "tasks are safe to re-drive (a task submitted again starts no second saga).")
  static final class Redrive implements Callable<Integer> {
    @Parameters(paramLabel = "OFFSET", description = "the dead letter's offset in conclave.dead-letters")
    long offset;

    @Option(names = "--partition", defaultValue = "0",
        description = "the dead letter's partition of conclave.dead-letters (default: ${DEFAULT-VALUE})")
    int partition;

    @Option(names = "--json", description = "print the dead letter and where its record went as one line of JSON")
    boolean json;

    /**
     * What {@code --json} prints.
     *
     * @param deadLetter where the dead letter is ({@code topic-partition@offset})
     * @param topic      where its record was written back, with {@code partition} and {@code offset}
     */
    record Redriven(String deadLetter, String errorClass, String errorMessage, String topic, int partition,
                    long offset) {}

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      TopicPartition at = new TopicPartition(settings.topics().deadLetters(), partition);
      List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
      try (TopicScan scan = new TopicScan(settings.kafka())) {
        // an offset past the end would be waited for
        if (offset >= scan.beginningOffset(at) && offset < scan.endOffset(at)) {
          scan.scan(at, offset, offset + 1, found::add);
        }
      }
      if (found.isEmpty() || found.get(0).value() == null) {
        System.err.println("no dead letter at " + at + "@" + offset);
        return 1;
      }
      DeadLetter letter = new ConclaveSerdes(settings.registry()).deadLetter().deserializer()
          .deserialize(at.topic(), found.get(0).value());
      ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(letter.sourceTopic(), letter.sourcePartition(),
          letter.key(), letter.value());
      again.headers().add(DeadLetters.REDRIVEN_FROM, (at + "@" + offset).getBytes(StandardCharsets.UTF_8));
      try (var producer = new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(settings.kafka()))) {
        RecordMetadata written = producer.send(again).get();
        if (json) {
          System.out.println(CliJson.line(new Redriven(at + "@" + offset, letter.errorClass(), letter.errorMessage(),
              written.topic(), written.partition(), written.offset())));
          return 0;
        }
        System.out.printf("re-drove %s@%d (%s: %s) to %s-%d@%d%n", at, offset, letter.errorClass(),
            letter.errorMessage(), written.topic(), written.partition(), written.offset());
      }
      return 0;
    }
  }
}
