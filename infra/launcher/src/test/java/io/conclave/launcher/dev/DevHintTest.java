package io.conclave.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.ConclaveCli;
import io.conclave.runtime.config.ConclaveSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** conclave dev says how to add a worker, with a command line the worker command takes. */
class DevHintTest {
  @Test
  void theHintNamesTheStacksClusterAndRegistryAsWorkerFlags() {
    ConclaveSettings settings =
        ConclaveSettings.from(Map.of(), Map.of())
            .withEndpoints("127.0.0.1:40123", "http://127.0.0.1:40124/apis/registry/v2");

    String hint = DevCommand.addWorkerHint(settings);

    assertThat(hint)
        .contains(
            "bin/conclave worker --bootstrap-server 127.0.0.1:40123 "
                + "--registry-url http://127.0.0.1:40124/apis/registry/v2 --offline-agents");
    // and the command it gives parses as the worker command
    String[] args =
        hint.substring(hint.indexOf("bin/conclave worker") + "bin/conclave worker".length())
            .trim()
            .split(" ");
    CommandLine cli = ConclaveCli.commandLine(CommandLine.Model.CommandSpec.create());
    assertThat(cli.parseArgs(prepend("worker", args)).subcommand().commandSpec().name())
        .isEqualTo("worker");
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
