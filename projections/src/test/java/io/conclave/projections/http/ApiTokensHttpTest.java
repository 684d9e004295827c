package io.conclave.projections.http;

import static io.conclave.projections.http.BrokerlessApi.READER_TOKEN;
import static io.conclave.projections.http.BrokerlessApi.WRITER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The API tokens (docs/security.md) on the routes, through the real HTTP server with no broker: a
 * write or an admin request without a known token is a 401 and one whose token lacks the role a
 * 403, each with a JSON message, before any controller runs.
 */
@ExtendWith(BrokerlessApi.Shared.class)
class ApiTokensHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TASK = "{\"taskId\":\"secured-1\",\"prompt\":\"Plan a trip\"}";
  private static final String REBUILD = "/admin/projections/rebuild";

  @Test
  void aWriteOrAnAdminRequestWithoutAKnownTokenIsA401SayingWhy(BrokerlessApi api) throws Exception {
    // given
    ListAppender<ILoggingEvent> logs = recordLogs();
    try {
      for (String path : new String[] {"/tasks", REBUILD, "/admin/groups/conclave-x/reset"}) {
        // when
        HttpResponse<String> none = api.postJson(null, path, TASK);
        HttpResponse<String> unknown = api.postJson("not-a-token-of-this-server", path, TASK);
        HttpResponse<String> basic =
            api.send(
                HttpRequest.newBuilder(api.uri(path))
                    .header("Authorization", "Basic aXQtYWRtaW46cGFzc3dvcmQ=")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(TASK)));

        // then
        assertError(
            none,
            401,
            "POST " + path + " needs an API token: send 'Authorization: Bearer <token>'");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertError(
            unknown,
            401,
            "POST " + path + " needs an API token: the token sent is not one configured");
        assertError(
            basic,
            401,
            "POST " + path + " needs an API token: the Authorization header is not 'Bearer");
      }
      // an expected refusal is no stack trace, and no token is ever logged (the Kafka clients of
      // this brokerless server keep logging their retries in the background: not the refusals')
      assertThat(logs.list)
          .filteredOn(e -> !e.getLoggerName().startsWith("org.apache.kafka"))
          .noneMatch(
              e -> e.getThrowableProxy() != null && e.getLevel().isGreaterOrEqual(Level.WARN));
      assertThat(logs.list)
          .noneMatch(e -> e.getFormattedMessage().contains("not-a-token-of-this-server"));
    } finally {
      stopRecording(logs);
    }
  }

  @Test
  void aWritersTokenOnAnAdminEndpointIsA403NamingTheRole(BrokerlessApi api) throws Exception {
    // when
    HttpResponse<String> rebuild = api.postJson(WRITER_TOKEN, REBUILD, "{}");
    HttpResponse<String> records = api.get(WRITER_TOKEN, "/admin/topics/tasks/records?max=1");
    HttpResponse<String> readerWrites = api.postJson(READER_TOKEN, "/tasks", TASK);

    // then
    assertError(
        rebuild,
        403,
        "POST " + REBUILD + " needs the role admin; API token 'test-writer' has reader, writer");
    assertError(records, 403, "GET /admin/topics/tasks/records needs the role admin");
    assertError(
        readerWrites, 403, "POST /tasks needs the role writer; API token 'test-reader' has reader");
  }

  private static void assertError(HttpResponse<String> response, int status, String messageStart)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("message").asText()).startsWith(messageStart);
  }

  private static ListAppender<ILoggingEvent> recordLogs() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
    return appender;
  }

  private static void stopRecording(ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
  }
}
