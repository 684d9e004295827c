package io.conclave.launcher.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.cli.CliJson;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** decisions erase counts without --execute, and says that nothing changed. */
class ErasePreviewTest {
  @Test
  void aPreviewSaysWhatWouldBeErasedAndThatNothingChanged() {
    var preview = new DecisionsCommand.Erase.Erased("research-0", 7, 0, false);

    assertThat(DecisionsCommand.Erase.text(preview))
        .isEqualTo(
            "preview: would erase 7 decisions of research-0 and its snapshot; nothing changed: "
                + "run again with --execute to erase");
    assertThat(DecisionsCommand.Erase.text(DecisionsCommand.Erase.erased("research-0", 7)))
        .isEqualTo("erased 7 decisions of research-0");
    assertThat(CliJson.line(preview))
        .isEqualTo("{\"agentId\":\"research-0\",\"decisions\":7,\"erased\":0,\"executed\":false}");
  }

  @Test
  void erasingNeedsExecute() {
    var erase = new DecisionsCommand.Erase();
    new CommandLine(erase).parseArgs("--agent", "research-0");
    assertThat(erase.execute).isFalse();
    new CommandLine(erase).parseArgs("--agent", "research-0", "--execute");
    assertThat(erase.execute).isTrue();
  }
}
