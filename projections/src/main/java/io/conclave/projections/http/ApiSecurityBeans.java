package io.conclave.projections.http;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.micronaut.core.type.Argument;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's tokens, read and checked at start-up, with one log line saying how the API is
 * protected (never a token): {@code conclave.security.enabled} (default true; false turns Micronaut
 * Security off), {@code conclave.security.tokens} ({@link ApiTokens}), {@code
 * conclave.security.read-access} ({@link ReadAccessRule}).
 */
@Factory
class ApiSecurityBeans {
  static final String TOKENS = "conclave.security.tokens";
  private static final Logger log = LoggerFactory.getLogger(ApiSecurityBeans.class);

  /**
   * @throws IllegalArgumentException if a configured token or the read access is malformed: the
   *     service stops
   */
  @Context
  ApiTokens apiTokens(Environment environment) {
    if (!environment.getProperty("micronaut.security.enabled", Boolean.class).orElse(true)) {
      log.warn(
          "HTTP API security is off (conclave.security.enabled=false): anyone who reaches the API can submit "
              + "tasks, decide approvals, reset groups and rebuild the projections");
      return new ApiTokens(List.of());
    }
    ApiTokens tokens =
        ApiTokens.parse(
            environment.getProperty(TOKENS, Argument.listOf(String.class)).orElse(List.of()));
    boolean openReads =
        ReadAccessRule.isOpen(
            environment.getProperty(ReadAccessRule.PROPERTY, String.class).orElse("open"));
    String reads = openReads ? "reads are open" : "reads need a token too";
    if (tokens.isEmpty()) {
      log.warn(
          "HTTP API: no API token is configured ({} or CONCLAVE_API_TOKENS): every write and admin request{} "
              + "is refused with 401",
          TOKENS,
          openReads ? "" : " and every read");
    } else {
      log.info(
          "HTTP API: {} API token(s): {}; {}",
          tokens.tokens().size(),
          String.join(", ", tokens.names()),
          reads);
    }
    return tokens;
  }
}
