package io.conclave.projections.tasks;

import static io.conclave.projections.http.BrokerlessApi.WRITER_TOKEN;
import static io.conclave.projections.http.BrokerlessApi.assertJsonContentType;
import static io.conclave.projections.http.BrokerlessApi.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.projections.http.BrokerlessApi;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /tasks} of a body it cannot use, through the real HTTP server with no broker: a 400
 * with a JSON message that says what is wrong (never a 500), answered before anything is written:
 * the controller reads the body before it asks for the backlog or writes the task, and a write here
 * could only fail, which is no 400.
 */
@ExtendWith(BrokerlessApi.Shared.class)
class TaskSubmissionHttpTest {
  private static final ObjectMapper json = new ObjectMapper();

  @Test
  void malformedJsonIsABadRequestThatSaysTheJsonIsInvalid(BrokerlessApi api) throws Exception {
    // When
    HttpResponse<String> r = api.postJson(WRITER_TOKEN, "/tasks", "{\"prompt\": \"x\"");

    // Then
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertJsonContentType(r);
    // Micronaut's own errors nest their messages under _embedded.errors
    assertThat(json.readTree(r.body()).findValuesAsText("message"))
        .as(r.body())
        .anySatisfy(m -> assertThat(m).containsIgnoringCase("invalid json"));
  }

  @Test
  void anEmptyBodyIsABadRequest(BrokerlessApi api) {
    // When
    HttpResponse<String> r = api.postJson(WRITER_TOKEN, "/tasks", "");

    // Then
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
  }

  @Test
  void aMissingPromptIsABadRequestNamingPrompt(BrokerlessApi api) throws Exception {
    for (String body : List.of("{}", "{\"taskId\":\"t-x\"}")) {
      // When
      HttpResponse<String> r = api.postJson(WRITER_TOKEN, "/tasks", body);

      // Then
      assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
      assertJsonContentType(r);
      assertThat(message(r)).as(body).contains("prompt");
    }
  }

  @Test
  void aBlankPromptIsABadRequest(BrokerlessApi api) throws Exception {
    // When
    HttpResponse<String> r = api.postJson(WRITER_TOKEN, "/tasks", "{\"prompt\":\"   \"}");

    // Then
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertJsonContentType(r);
    assertThat(message(r)).isEqualTo("prompt must not be blank");
  }

  @Test
  void aTaskIdThatIsNotASafeKeyIsABadRequestNamingTaskId(BrokerlessApi api) throws Exception {
    for (String taskId :
        List.of("../etc/passwd", "a b", "", "x".repeat(TaskSubmission.MAX_ID_LENGTH + 1))) {
      // When
      HttpResponse<String> r =
          api.postJson(
              WRITER_TOKEN,
              "/tasks",
              json.writeValueAsString(
                  new LinkedHashMap<>(Map.of("taskId", taskId, "prompt", "x"))));

      // Then
      assertThat(r.statusCode()).as("taskId '" + taskId + "' -> " + r.body()).isEqualTo(400);
      assertJsonContentType(r);
      assertThat(message(r)).as(taskId).contains("taskId");
    }
  }

  @Test
  void aFieldOfTheWrongJsonTypeIsABadRequest(BrokerlessApi api) {
    // every case is tried and reported, so that one failure does not hide the others
    SoftAssertions softly = new SoftAssertions();
    for (String body :
        List.of(
            "{\"prompt\": 42}",
            "{\"prompt\": true}",
            "{\"prompt\": [\"a\"]}",
            "{\"prompt\": {\"text\": \"a\"}}",
            "{\"taskId\": 7, \"prompt\": \"x\"}",
            "[]",
            "\"just a string\"")) {
      // When
      HttpResponse<String> r = api.postJson(WRITER_TOKEN, "/tasks", body);

      // Then
      softly.assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
      softly
          .assertThat(r.headers().firstValue("Content-Type"))
          .as("Content-Type of " + body)
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }
    softly.assertAll();
  }
}
