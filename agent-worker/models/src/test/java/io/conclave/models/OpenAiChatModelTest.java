package io.conclave.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.ResponseSchema;
import io.conclave.agent.chat.Tool;
import io.conclave.agent.chat.ToolCall;
import io.conclave.agent.chat.Usage;
import io.conclave.runtime.resilience.CallFailure;
import io.conclave.runtime.resilience.CallRejectedException;
import io.conclave.runtime.resilience.MalformedAnswerException;
import io.conclave.runtime.resilience.RateLimitedException;
import io.conclave.runtime.resilience.ServiceUnavailableException;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible client against a real HTTP server on loopback: what it sends, and how it
 * classifies.
 */
class OpenAiChatModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private final FakeModelServer server;
  private final OpenAiChatModel model;

  OpenAiChatModelTest() throws Exception {
    server = new FakeModelServer();
    model =
        new OpenAiChatModel(
            server.baseUrl(),
            "gpt-test",
            Optional.of("sk-secret"),
            Duration.ofSeconds(2),
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void sendsOneUserMessageWithStreamingOffAndTheKeyAndReturnsTheFirstChoice() throws Exception {
    server.then(Reply.answer("blue, because of Rayleigh scattering"));

    assertThat(model.complete("Why is the sky blue?"))
        .isEqualTo("blue, because of Rayleigh scattering");

    JsonNode sent = JSON.readTree(server.received().get(0).body());
    assertThat(sent.path("model").asText()).isEqualTo("gpt-test");
    assertThat(sent.path("stream").asBoolean(true)).isFalse();
    assertThat(sent.path("messages")).hasSize(1);
    assertThat(sent.path("messages").path(0).path("role").asText()).isEqualTo("user");
    assertThat(sent.path("messages").path(0).path("content").asText())
        .isEqualTo("Why is the sky blue?");
    assertThat(server.received().get(0).authorization()).isEqualTo("Bearer sk-secret");
    assertThat(sent.has("tools")).as("no tools asked, none sent").isFalse();
    assertThat(sent.has("response_format")).isFalse();
    assertThat(sent.has("max_tokens")).isFalse();
    assertThat(sent.has("temperature")).isFalse();
  }

  @Test
  void sendsTheWholeConversationItsParametersItsSchemaAndItsTools() throws Exception {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"],\"additionalProperties\":false}";
    String weatherParameters =
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\","
            + "\"description\":\"where\"},\"days\":{\"type\":\"integer\",\"minimum\":1}},"
            + "\"required\":[\"city\"]}";
    var request =
        ChatRequest.of(
                ChatMessage.system("You answer in JSON."),
                ChatMessage.user("Weather in Paris?"),
                ChatMessage.assistant(
                    "", List.of(new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}"))),
                ChatMessage.toolResult("call_1", "sunny, 21 C"))
            .withTemperature(0.2)
            .withMaxTokens(64)
            .withResponseSchema(new ResponseSchema("forecast", schema))
            .withTools(
                List.of(new Tool("weather", "today's weather of a city", weatherParameters)));
    server.then(Reply.answer("{\\\"city\\\":\\\"Paris\\\"}"));

    assertThat(model.chat(request).text()).isEqualTo("{\"city\":\"Paris\"}");

    JsonNode sent = JSON.readTree(server.received().get(0).body());
    JsonNode messages = sent.path("messages");
    assertThat(messages).hasSize(4);
    assertThat(messages.findValuesAsText("role"))
        .containsExactly("system", "user", "assistant", "tool");
    assertThat(messages.path(0).path("content").asText()).isEqualTo("You answer in JSON.");
    assertThat(messages.path(1).path("content").asText()).isEqualTo("Weather in Paris?");
    JsonNode call = messages.path(2).path("tool_calls").path(0);
    assertThat(call.path("id").asText()).isEqualTo("call_1");
    assertThat(call.path("type").asText()).isEqualTo("function");
    assertThat(call.path("function").path("name").asText()).isEqualTo("weather");
    assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(messages.path(3).path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(messages.path(3).path("content").asText()).isEqualTo("sunny, 21 C");
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(64);
    JsonNode format = sent.path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("name").asText()).isEqualTo("forecast");
    assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
    assertThat(format.path("json_schema").path("schema")).isEqualTo(JSON.readTree(schema));
    JsonNode tool = sent.path("tools").path(0);
    assertThat(sent.path("tools")).hasSize(1);
    assertThat(tool.path("type").asText()).isEqualTo("function");
    assertThat(tool.path("function").path("name").asText()).isEqualTo("weather");
    assertThat(tool.path("function").path("description").asText())
        .isEqualTo("today's weather of a city");
    JsonNode parameters = tool.path("function").path("parameters");
    assertThat(parameters.path("type").asText()).isEqualTo("object");
    assertThat(parameters.path("properties"))
        .isEqualTo(JSON.readTree(weatherParameters).path("properties"));
    assertThat(parameters.path("required")).isEqualTo(JSON.readTree("[\"city\"]"));
  }

  @Test
  void toolCallsFinishReasonsAndUsageComeBack() {
    server.then(
        Reply.raw(
            200,
            "{\"id\":\"c1\",\"model\":\"gpt-test-2026\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_9\","
                + "\"type\":\"function\",\"function\":{\"name\":\"weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":12}}",
            Map.of()),
        Reply.raw(
            200,
            "{\"id\":\"c2\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"It is cold and\"},\"finish_reason\":\"length\"}]}",
            Map.of()));

    ChatResponse calls = model.chat(ChatRequest.prompt("Weather in Oslo?"));
    assertThat(calls.model()).isEqualTo("gpt-test-2026");
    assertThat(calls.message().toolCalls())
        .containsExactly(new ToolCall("call_9", "weather", "{\"city\":\"Oslo\"}"));
    assertThat(calls.text()).isEmpty();
    assertThat(calls.finishReason()).isEqualTo(ChatResponse.FinishReason.TOOL_CALLS);
    assertThat(calls.usage()).isEqualTo(new Usage(31, 12, false));

    ChatResponse cut = model.chat(ChatRequest.prompt("And tomorrow?").withMaxTokens(4));
    assertThat(cut.model()).as("the answer names no model: the one asked").isEqualTo("gpt-test");
    assertThat(cut.text()).isEqualTo("It is cold and");
    assertThat(cut.finishReason()).isEqualTo(ChatResponse.FinishReason.LENGTH);
    assertThat(cut.usage().estimated()).as("no usage in the answer: estimated").isTrue();
  }

  @Test
  void aRequestThatCannotBeSentIsRejectedWithoutCallingTheServer() {
    var blankSystem = ChatRequest.of(ChatMessage.system(" "), ChatMessage.user("q"));

    assertThatThrownBy(() -> model.chat(blankSystem))
        .isInstanceOf(CallRejectedException.class)
        .hasMessageContaining("cannot be sent");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void serverErrorsAndTimeoutsAreRetryableUnavailability() {
    server.then(
        Reply.error(500, "boom"),
        Reply.raw(503, "overloaded", Map.of("Retry-After", "2")),
        Reply.error(408, "slow"));

    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("answered 500: boom")
        .satisfies(e -> assertThat(((CallFailure) e).retryable()).isTrue());
    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(ServiceUnavailableException.class)
        .satisfies(e -> assertThat(((CallFailure) e).retryAfter()).contains(Duration.ofSeconds(2)));
    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(ServiceUnavailableException.class);
  }

  @Test
  void aRateLimitCarriesItsRetryAfterInSecondsOrAsADate() {
    server.then(
        Reply.raw(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "7")),
        Reply.raw(429, "{}", Map.of("Retry-After", "Wed, 25 Nov 2026 10:00:30 GMT")));

    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("slow down")
        .satisfies(e -> assertThat(((CallFailure) e).retryAfter()).contains(Duration.ofSeconds(7)));
    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(RateLimitedException.class)
        .satisfies(
            e -> assertThat(((CallFailure) e).retryAfter()).contains(Duration.ofSeconds(30)));
  }

  @Test
  void aRefusedRequestIsNotRetryableAndNeverShowsTheKey() {
    server.then(Reply.error(401, "invalid api key"), Reply.error(400, "context length exceeded"));

    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(CallRejectedException.class)
        .hasMessageContaining("answered 401: invalid api key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-secret"))
        .satisfies(e -> assertThat(((CallFailure) e).retryable()).isFalse());
    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(CallRejectedException.class)
        .satisfies(e -> assertThat(((CallRejectedException) e).status()).isEqualTo(400));
  }

  @Test
  void aSuccessWithoutAnAnswerIsMalformedAndNotRetryable() {
    server.then(
        Reply.raw(200, "{\"choices\": [", Map.of()),
        Reply.raw(200, "{\"choices\": []}", Map.of()),
        Reply.raw(
            200, "{\"choices\": [{\"index\":0,\"message\":{\"role\":\"assistant\"}}]}", Map.of()));

    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(MalformedAnswerException.class)
        .hasMessageContaining("not JSON")
        .satisfies(e -> assertThat(((CallFailure) e).retryable()).isFalse());
    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(MalformedAnswerException.class)
        .hasMessageContaining("without choices[0].message.content");
    assertThatThrownBy(() -> model.complete("q"))
        .as("neither text nor tool calls")
        .isInstanceOf(MalformedAnswerException.class)
        .hasMessageContaining("without choices[0].message.content");
  }

  @Test
  void aHungServerAndAClosedPortAreUnavailable() throws Exception {
    var release = new CountDownLatch(1);
    server.then(Reply.hang(release));
    var quick =
        new OpenAiChatModel(
            server.baseUrl(),
            "gpt-test",
            Optional.empty(),
            Duration.ofMillis(300),
            Clock.systemUTC());
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    var nowhere =
        new OpenAiChatModel(
            URI.create("http://127.0.0.1:" + closed + "/v1"),
            "gpt-test",
            Optional.empty(),
            Duration.ofSeconds(2),
            Clock.systemUTC());

    try {
      assertThatThrownBy(() -> quick.complete("q"))
          .isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("did not answer");
      assertThatThrownBy(() -> nowhere.complete("q"))
          .isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("did not answer");
    } finally {
      release.countDown();
    }
  }

  @Test
  void retryAfterReadsSecondsAndDatesAndIgnoresNonsense() {
    assertThat(OpenAiChatModel.retryAfter("12", NOW)).contains(Duration.ofSeconds(12));
    assertThat(OpenAiChatModel.retryAfter("Wed, 25 Nov 2026 09:59:00 GMT", NOW))
        .contains(Duration.ZERO);
    assertThat(OpenAiChatModel.retryAfter("soon", NOW)).isEmpty();
    assertThat(OpenAiChatModel.retryAfter("-3", NOW)).isEmpty();
    assertThatThrownBy(
            () ->
                new OpenAiChatModel(
                    URI.create("ftp://x"),
                    "m",
                    Optional.empty(),
                    Duration.ofSeconds(1),
                    Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http(s)");
  }
}
