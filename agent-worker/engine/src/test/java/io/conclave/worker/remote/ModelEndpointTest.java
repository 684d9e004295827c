package io.conclave.worker.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.Usage;
import io.conclave.runtime.resilience.BudgetExceededException;
import io.conclave.runtime.resilience.CallRejectedException;
import io.conclave.runtime.resilience.RateLimitedException;
import io.conclave.runtime.resilience.ServiceUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-step model endpoint as an OpenAI client sees it: its token, its refusals, and each model
 * failure as OpenAI's error JSON with a status a client's retry logic understands.
 */
class ModelEndpointTest {
  private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private final ModelEndpoint endpoint = ModelEndpoint.start("127.0.0.1", 0, Optional.empty());

  @AfterEach
  void stop() {
    endpoint.close();
  }

  /** A model whose answer (or failure) {@code answer} decides. */
  private static LlmClient model(Function<ChatRequest, ChatResponse> answer) {
    return new LlmClient() {
      @Override
      public String model() {
        return "gpt-test";
      }

      @Override
      public ChatResponse chat(ChatRequest request) {
        return answer.apply(request);
      }
    };
  }

  private static final LlmClient ECHO =
      model(
          r ->
              ChatResponse.text(
                  "gpt-test", "echo " + r.messages().get(0).content(), Usage.estimate("", "")));

  private record Answer(
      int status, String body, Optional<String> retryAfter, Optional<String> shouldRetry) {
    Answer(int status, String body, Optional<String> retryAfter) {
      this(status, body, retryAfter, Optional.empty());
    }
  }

  private static Answer post(String url, Optional<String> bearer, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    bearer.ifPresent(b -> request.header("Authorization", "Bearer " + b));
    return send(request.build());
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(),
          r.body(),
          r.headers().firstValue("Retry-After"),
          r.headers().firstValue("x-should-retry"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anOpenSessionAnswersChatCompletionsAndModels() {
    try (ModelEndpoint.Session session = endpoint.open(ECHO)) {
      assertThat(session.baseUrl())
          .isEqualTo("http://127.0.0.1:" + endpoint.port() + "/steps/" + session.token() + "/v1");

      Answer chat = post(session.baseUrl() + "/chat/completions", Optional.empty(), CHAT);
      Answer models =
          send(HttpRequest.newBuilder(URI.create(session.baseUrl() + "/models")).GET().build());

      assertThat(chat.status()).isEqualTo(200);
      assertThat(FakeRemoteAgent.json(chat.body()).path("choices").path(0).path("message"))
          .hasToString("{\"role\":\"assistant\",\"content\":\"echo hi\"}");
      assertThat(FakeRemoteAgent.json(chat.body()).path("object").asText())
          .isEqualTo("chat.completion");
      assertThat(models.status()).isEqualTo(200);
      assertThat(FakeRemoteAgent.json(models.body()).path("data").path(0).path("id").asText())
          .isEqualTo("gpt-test");
    }
  }

  @Test
  void theTokenMayComeAsTheBearerTokenAlone() {
    try (ModelEndpoint.Session session = endpoint.open(ECHO)) {
      String root = "http://127.0.0.1:" + endpoint.port() + "/v1/chat/completions";

      assertThat(post(root, Optional.of(session.token()), CHAT).status()).isEqualTo(200);
      assertThat(post(root, Optional.of("not-it"), CHAT).status()).isEqualTo(401);
      assertThat(post(root, Optional.empty(), CHAT).status()).isEqualTo(404);
      assertThat(
              post(session.baseUrl() + "/chat/completions", Optional.of("another"), CHAT).status())
          .isEqualTo(401);
    }
  }

  @Test
  void aTokenIsRefusedOnceItsAttemptIsOver() {
    ModelEndpoint.Session session = endpoint.open(ECHO);
    session.close();

    Answer late = post(session.baseUrl() + "/chat/completions", Optional.empty(), CHAT);

    assertThat(late.status()).isEqualTo(401);
    assertThat(FakeRemoteAgent.json(late.body()).path("error").path("code").asText())
        .isEqualTo("invalid_api_key");
  }

  @Test
  void streamingAndMalformedRequestsAreRefused() {
    try (ModelEndpoint.Session session = endpoint.open(ECHO)) {
      String url = session.baseUrl() + "/chat/completions";

      Answer streaming = post(url, Optional.empty(), "{\"stream\":true," + CHAT.substring(1));
      Answer notJson = post(url, Optional.empty(), "hello");
      Answer noMessages = post(url, Optional.empty(), "{\"messages\":[]}");

      assertThat(streaming.status()).isEqualTo(400);
      assertThat(streaming.body()).contains("streaming is not supported");
      assertThat(notJson.status()).isEqualTo(400);
      assertThat(noMessages.status()).isEqualTo(400);
      assertThat(noMessages.body()).contains("messages");
    }
  }

  @Test
  void modelFailuresAnswerWithOpenAiStatuses() {
    assertThat(failing(new BudgetExceededException("spent")))
        .isEqualTo(new Answer(429, "insufficient_quota", Optional.empty()));
    assertThat(failing(new RateLimitedException("slow down", Optional.of(Duration.ofSeconds(7)))))
        .isEqualTo(new Answer(429, "rate_limit_exceeded", Optional.of("7")));
    assertThat(
            failing(
                new ServiceUnavailableException(
                    "breaker open", null, Optional.of(Duration.ofMillis(1500)))))
        .isEqualTo(new Answer(503, "model_unavailable", Optional.of("2")));
    assertThat(failing(new CallRejectedException(400, "too long")))
        .isEqualTo(new Answer(400, "model_refused", Optional.empty()));
    assertThat(failing(new IllegalStateException("no recorded answer")))
        .isEqualTo(new Answer(500, "server_error", Optional.empty()));
  }

  /** The status, error code and Retry-After of a call whose model throws {@code failure}. */
  private Answer failing(RuntimeException failure) {
    try (ModelEndpoint.Session session =
        endpoint.open(
            model(
                r -> {
                  throw failure;
                }))) {
      Answer a = post(session.baseUrl() + "/chat/completions", Optional.empty(), CHAT);
      // the model's pipeline had its retries: the agent's OpenAI client is told not to add its own
      assertThat(a.shouldRetry()).contains("false");
      return new Answer(
          a.status(),
          FakeRemoteAgent.json(a.body()).path("error").path("code").asText(),
          a.retryAfter());
    }
  }
}
