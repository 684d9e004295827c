package io.conclave.launcher.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.ConclaveCli;
import io.conclave.launcher.cli.Progress;
import io.conclave.runtime.readers.TopicReplay;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * How far a replay is, on standard error ({@link Progress}); {@code --quiet}; and {@code --json}
 * with {@code --follow} (of replay and decisions tail).
 */
class ReplayCommandTest {
  @Test
  void aReplaysCountSaysHowFarItReadAndHowManyRecordsItPrinted() {
    assertThat(ReplayCommand.status(new TopicReplay.Status(6, 2, 12_400, 50_000, 1_200)))
        .isEqualTo("12 400 / 50 000 records (24 %), 2 of 6 partitions read, 1 200 printed");
    assertThat(ReplayCommand.status(new TopicReplay.Status(1, 1, 3, 3, 3)))
        .isEqualTo("3 / 3 records (100 %), 1 of 1 partition read, 3 printed");
  }

  @Test
  void quietSilencesEveryLine() {
    // given
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      ReplayCommand replay = new ReplayCommand();
      new CommandLine(replay).parseArgs("tasks", "--quiet");

      // when
      Progress silent = replay.quiet.progress("replay");
      silent.step("scenario 1 of 6");
      silent.within("saga").count("repetition 1 of 5");
    } finally {
      System.setErr(before);
    }

    // then
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aJsonDocumentThatFollowWouldNeverEndIsRefusedAsBadUsage() {
    // given: refused before any broker is looked for
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli =
        new CommandLine(new ConclaveCli())
            .setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));

    // when
    int replay = cli.execute("replay", "tasks", "--json", "--follow");
    int tail = cli.execute("decisions", "tail", "--json", "-f");

    // then
    assertThat(replay).isEqualTo(2);
    assertThat(tail).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--json prints one document, which --follow would " + "never end");
  }
}
