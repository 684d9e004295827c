package io.conclave.launcher.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP API's API tokens (docs/security.md): writes need a writer's token, {@code /admin} an
 * admin's; a request without a known token is a 401 and one whose token lacks the role a 403, each
 * with a JSON message; reads are open unless {@code conclave.security.read-access=authenticated};
 * {@code /health} and {@code /prometheus} stay open.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpSecurityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TASK = "{\"taskId\":\"secured-1\",\"prompt\":\"Plan a trip\"}";

  private ConclaveStack stack;
  private ConclaveSettings settings;
  private InProcessConclave projections;
  private String base;

  @BeforeAll
  void start(ConclaveStack stack) throws Exception {
    this.stack = stack;
    settings = stack.isolated("http-security");
    projections = InProcessConclave.with(settings).noCoordinator().workers(0).start();
    base = projections.baseUrl();
  }

  @AfterAll
  void stop() throws Exception {
    if (projections != null) {
      projections.close();
    }
  }

  @Test
  void aDeadLetterReDriveNeedsAnAdminAndAPlaceThatHoldsOne() throws Exception {
    // when
    Http admin = new Http(base, Http.ADMIN_TOKEN);
    HttpResponse<String> byWriter =
        new Http(base, Http.WRITER_TOKEN)
            .post("/admin/dead-letters/0/0/redrive", "application/json", "");
    HttpResponse<String> notANumber =
        admin.post("/admin/dead-letters/zero/0/redrive", "application/json", "");
    HttpResponse<String> negative =
        admin.post("/admin/dead-letters/0/-1/redrive", "application/json", "");
    HttpResponse<String> noSuchPartition =
        admin.post("/admin/dead-letters/7/0/redrive", "application/json", "");
    HttpResponse<String> nothingThere =
        admin.post("/admin/dead-letters/0/999999/redrive", "application/json", "");

    // then
    assertError(
        byWriter,
        403,
        "POST /admin/dead-letters/0/0/redrive needs the role admin; API token 'it-writer'");
    assertError(notANumber, 400, "partition must be a whole number, was 'zero'");
    assertError(negative, 400, "offset must be >= 0, was -1");
    assertError(
        noSuchPartition,
        400,
        "partition must be one of "
            + settings.topics().deadLetters()
            + "'s partitions 0..0, was 7");
    assertError(
        nothingThere, 404, "no dead letter at " + settings.topics().deadLetters() + "-0@999999");
  }

  @Test
  void theRightRoleIsLetThrough() {
    // when
    HttpResponse<String> submitted = new Http(base, Http.WRITER_TOKEN).postJson("/tasks", TASK);
    HttpResponse<String> records =
        new Http(base, Http.ADMIN_TOKEN).get("/admin/topics/tasks/records?max=1");
    HttpResponse<String> adminWrites = new Http(base, Http.ADMIN_TOKEN).postJson("/tasks", TASK);

    // then
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    assertThat(records.statusCode()).as(records.body()).isEqualTo(200);
    assertThat(records.body()).contains("secured-1");
    assertThat(adminWrites.statusCode()).as(adminWrites.body()).isEqualTo(202);
  }

  @Test
  void readsHealthAndMetricsAreOpenByDefault() {
    Http anonymous = new Http(base, null);
    assertThat(anonymous.get("/tasks/none").statusCode())
        .isIn(404, 503); // 503 while the projections start
    assertThat(anonymous.get("/leaders").statusCode()).isIn(200, 503);
    assertThat(new Http(base, "not-a-token-of-this-server").get("/tasks/none").statusCode())
        .isIn(404, 503);
    assertThat(anonymous.get("/health").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/prometheus").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/no/such/path").statusCode()).isEqualTo(404);
  }

  @Test
  void withAuthenticatedReadAccessAReadNeedsAnyKnownToken() throws Exception {
    // given: a second installation's projections whose reads need a token
    try (EmbeddedServer closed =
        InProcessConclave.startProjections(
            stack.isolated("http-security-reads"),
            Map.of("conclave.security.read-access", "authenticated"))) {
      String url = "http://127.0.0.1:" + closed.getPort();

      // when
      HttpResponse<String> anonymous = new Http(url, null).get("/tasks/none");
      HttpResponse<String> unknown =
          new Http(url, "not-a-token-of-this-server").get("/knowledge?prefix=steps.");
      HttpResponse<String> reader = new Http(url, Http.READER_TOKEN).get("/tasks/none");
      HttpResponse<String> page = new Http(url, null).get("/dashboard/");
      HttpResponse<String> anonymousLeaders = new Http(url, null).get("/leaders");
      HttpResponse<String> readerLeaders = new Http(url, Http.READER_TOKEN).get("/leaders");

      // then
      assertError(
          anonymous,
          401,
          "GET /tasks/none needs an API token: send 'Authorization: Bearer <token>'");
      assertError(
          unknown, 401, "GET /knowledge needs an API token: the token sent is not one configured");
      assertThat(reader.statusCode())
          .as(reader.body())
          .isIn(404, 503); // past security: the projection answers
      assertThat(new Http(url, null).get("/health").statusCode()).isEqualTo(200);
      // the dashboard page is served to anyone; the reads it makes need the token
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      assertThat(page.body()).contains("<title>Conclave dashboard</title>");
      assertThat(anonymousLeaders.statusCode()).isEqualTo(401);
      assertThat(readerLeaders.statusCode()).as(readerLeaders.body()).isIn(200, 503);
    }
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
}
