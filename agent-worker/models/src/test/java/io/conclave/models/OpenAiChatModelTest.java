package io.conclave.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    JsonNode sent = new ObjectMapper().readTree(server.received().get(0).body());
    assertThat(sent.path("model").asText()).isEqualTo("gpt-test");
    assertThat(sent.path("stream").asBoolean(true)).isFalse();
    assertThat(sent.path("messages")).hasSize(1);
    assertThat(sent.path("messages").path(0).path("role").asText()).isEqualTo("user");
    assertThat(sent.path("messages").path(0).path("content").asText())
        .isEqualTo("Why is the sky blue?");
    assertThat(server.received().get(0).authorization()).isEqualTo("Bearer sk-secret");
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
        Reply.raw(200, "{\"choices\": [", Map.of()), Reply.raw(200, "{\"choices\": []}", Map.of()));

    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(MalformedAnswerException.class)
        .hasMessageContaining("not JSON")
        .satisfies(e -> assertThat(((CallFailure) e).retryable()).isFalse());
    assertThatThrownBy(() -> model.complete("q"))
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
