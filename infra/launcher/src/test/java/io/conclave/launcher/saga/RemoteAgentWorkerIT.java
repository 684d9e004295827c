package io.conclave.launcher.saga;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.conclave.worker.remote.RemoteAgents;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker process whose research type is a remote agent ({@code conclave.worker.remote-agents})
 * runs saga steps against it over HTTP: the agent's model call, through the step's endpoint, is
 * recorded in its log with its decisions and state, and an input it refuses is dead-lettered.
 */
@ExtendWith(ConclaveStackExtension.class)
class RemoteAgentWorkerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aWorkerRunsARemoteAgentsSteps(ConclaveStack stack) throws Exception {
    ConclaveSettings settings =
        stack.prepare(
            ConclaveSettings.from(Map.of(), Map.of())
                .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                .withTopicPrefix("remote-" + UUID.randomUUID().toString().substring(0, 8)));
    HttpServer agent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    agent.createContext("/step", exchange -> answer(exchange.getRequestBody(), exchange));
    agent.start();
    String url = "http://127.0.0.1:" + agent.getAddress().getPort() + "/step";
    try (InProcessConclave conclave =
        InProcessConclave.with(settings)
            .workers(0)
            .workerProcesses(1, List.of("-D" + RemoteAgents.AGENTS.property() + "=research=" + url))
            .noProjections()
            .start()) {
      StackClient client = conclave.client();
      List<SagaStep> plan =
          Saga.step("research", "gather", "discard")
              .step("write", "draft", "unpublish")
              .build()
              .steps();

      // when
      client.submit(task("ok", "what is kafka?", plan));
      client.submit(task("refused", "refuse this", plan));

      // then: the saga ran the remote step, then the offline writer
      SagaState done = client.awaitEnd("saga-ok");
      assertThat(done.status()).isEqualTo(SagaState.Status.COMPLETED);
      assertThat(done.steps().get(0).output()).isEqualTo("researched: model answered");
      List<Decision> research =
          client.decisions().stream()
              .filter(d -> d.agentId().startsWith("research-"))
              .filter(d -> d.sagaId().equals(Optional.of("saga-ok")))
              .toList();
      assertThat(research.stream().map(Decision::kind))
          .containsSubsequence("LLM_CALL", "RESEARCHED", "STATE");
      // and an input the agent refuses is dead-lettered, saying why
      eventually(
          () ->
              assertThat(client.deadLetters())
                  .anySatisfy(
                      l -> assertThat(l.errorMessage()).contains("refused the input (422)")));
    } finally {
      agent.stop(0);
    }
  }

  private static TaskSubmission task(String id, String prompt, List<SagaStep> plan) {
    return new TaskSubmission(id, prompt, Clock.systemUTC().instant(), Optional.of(plan), "t");
  }

  /** The fake agent: asks the step's model, then answers with a decision and its state. */
  private static void answer(InputStream in, com.sun.net.httpserver.HttpExchange exchange)
      throws java.io.IOException {
    try (exchange) {
      JsonNode request = JSON.readTree(in);
      int status = 200;
      String body;
      if (request.path("input").asText().contains("refuse")) {
        status = 422;
        body = "{\"title\":\"Refused\",\"detail\":\"asked to refuse\"}";
      } else {
        JsonNode model = request.path("model");
        HttpResponse<String> chat;
        try {
          chat =
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create(model.path("baseUrl").asText() + "/chat/completions"))
                          .header("Authorization", "Bearer " + model.path("apiKey").asText())
                          .header("Content-Type", "application/json")
                          .POST(
                              HttpRequest.BodyPublishers.ofString(
                                  "{\"model\":\"any\",\"messages\":[{\"role\":\"user\","
                                      + "\"content\":\"summarize\"}]}"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.IOException(e);
        }
        String answer =
            chat.statusCode() == 200
                    && JSON.readTree(chat.body())
                        .path("choices")
                        .path(0)
                        .path("message")
                        .has("content")
                ? "model answered"
                : "model " + chat.statusCode();
        ObjectNode reply = JSON.createObjectNode().put("status", "completed");
        reply.put("output", "researched: " + answer);
        reply.putArray("decisions").addObject().put("kind", "RESEARCHED").put("payload", answer);
        reply.putObject("state").put("steps", request.path("state").path("steps").asInt() + 1);
        body = reply.toString();
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
