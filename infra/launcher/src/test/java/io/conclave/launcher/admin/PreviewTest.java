package io.conclave.launcher.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What groups reset previews without --execute, and what conclave projections runs with. */
class PreviewTest {
  @Test
  void aResetPreviewShowsEachPartitionsTargetAndWhereTheGroupIsNow() {
    Map<String, Long> targets = new LinkedHashMap<>();
    targets.put("conclave.tasks-0", 0L);
    targets.put("conclave.tasks-1", 0L);

    assertThat(GroupsCommand.previewLines(targets, Map.of("conclave.tasks-0", 42L)))
        .containsExactly(
            "conclave.tasks-0 -> 0   (committed now: 42)",
            "conclave.tasks-1 -> 0   (committed now: none)");
  }

  @Test
  void aResetIsAPreviewUnlessExecuteIsGiven() {
    GroupsCommand.Reset preview = new GroupsCommand.Reset();
    new CommandLine(preview).parseArgs("--group", "g", "--topic", "tasks", "--to-offset", "0");
    GroupsCommand.Reset act = new GroupsCommand.Reset();
    new CommandLine(act)
        .parseArgs("--group", "g", "--topic", "tasks", "--to-offset", "0", "--execute");

    assertThat(preview.execute).isFalse();
    assertThat(act.execute).isTrue();
  }

  @Test
  void theProjectionsRunWithTheirPortHostAndStateDirectory() {
    ProjectionsCommand projections = new ProjectionsCommand();
    new CommandLine(projections)
        .parseArgs("--port", "8181", "--host", "0.0.0.0", "--state-dir", "streams");

    assertThat(projections.settings())
        .containsEntry("conclave.http.port", "8181")
        .containsEntry("conclave.http.host", "0.0.0.0")
        .containsEntry("conclave.state-dir", Path.of("streams").toAbsolutePath().toString());
    ProjectionsCommand defaults = new ProjectionsCommand();
    new CommandLine(defaults).parseArgs();
    assertThat(defaults.settings()).isEmpty();
  }
}
