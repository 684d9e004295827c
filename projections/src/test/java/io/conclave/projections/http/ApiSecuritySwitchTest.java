package io.conclave.projections.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Secure by default, and the switch that turns it off, through the real HTTP server (no Kafka: the
 * projections point at a port where nothing listens; a body the controller refuses shows that a
 * request got past security).
 */
class ApiSecuritySwitchTest {
  private static final HttpClient client = HttpClient.newHttpClient();

  @Test
  void withNoTokenConfiguredWritesAre401AndTheStartSaysSoOnce(@TempDir Path state)
      throws Exception {
    // given
    ListAppender<ILoggingEvent> logs = record();
    try (EmbeddedServer server = start(state, Map.of())) {
      // when
      HttpResponse<String> write = post(server, "/tasks", "Bearer anything-at-all-0123456789");

      // then
      assertThat(write.statusCode()).isEqualTo(401);
      assertThat(write.body())
          .contains("\"status\":401")
          .contains(
              "POST /tasks needs an API token: none is "
                  + "configured on this server (conclave.security.tokens or CONCLAVE_API_TOKENS)");
      List<String> warnings =
          logs.list.stream()
              .filter(e -> e.getLevel() == Level.WARN)
              .map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.contains("API token"))
              .toList();
      assertThat(warnings)
          .containsExactly(
              "HTTP API: no API token is configured (conclave.security.tokens or "
                  + "CONCLAVE_API_TOKENS): every write and admin request is refused with 401");
    } finally {
      stop(logs);
    }
  }

  @Test
  void securityOffLetsEveryRequestThroughAndSaysSo(@TempDir Path state) throws Exception {
    // given
    ListAppender<ILoggingEvent> logs = record();
    try (EmbeddedServer server = start(state, Map.of("conclave.security.enabled", "false"))) {
      // when: no token; the controller reads the body and refuses it
      HttpResponse<String> write = post(server, "/tasks", null);

      // then
      assertThat(write.statusCode()).as(write.body()).isEqualTo(400);
      assertThat(logs.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(
              m -> m.startsWith("HTTP API security is off (conclave.security.enabled=false)"));
    } finally {
      stop(logs);
    }
  }

  private static EmbeddedServer start(Path state, Map<String, Object> overrides) throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", -1);
    props.put("conclave.kafka.bootstrap-servers", "127.0.0.1:1");
    props.put("conclave.registry.url", "http://127.0.0.1:1");
    props.put("conclave.state-dir", Files.createDirectories(state.resolve("streams")).toString());
    props.putAll(overrides);
    return ApplicationContext.run(EmbeddedServer.class, props);
  }

  private static HttpResponse<String> post(EmbeddedServer server, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static ListAppender<ILoggingEvent> record() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(ApiSecurityBeans.class)).addAppender(appender);
    return appender;
  }

  private static void stop(ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(ApiSecurityBeans.class)).detachAppender(appender);
  }
}
