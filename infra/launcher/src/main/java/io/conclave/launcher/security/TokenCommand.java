package io.conclave.launcher.security;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave token}: prints the HTTP API's token ({@code CONCLAVE_API_TOKEN}, else the admin
 * token of the {@code conclave dev} running in this directory), for a script or {@code curl -H
 * "Authorization: Bearer $(...)"}. Only on this command's standard output: nothing else prints a
 * token.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Print the HTTP API's token: CONCLAVE_API_TOKEN, else the one of the conclave dev running here.")
public final class TokenCommand implements Callable<Integer> {
  @Option(names = "--json", description = "print {token} as one line of JSON")
  boolean json;

  /** What {@code --json} prints. */
  record Token(String token) {}

  @Override
  public Integer call() {
    String token =
        Endpoints.apiToken()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no API token: run "
                            + "'conclave dev' in this directory, or set "
                            + Endpoints.API_TOKEN_ENV));
    System.out.println(json ? CliJson.line(new Token(token)) : token);
    return 0;
  }
}
