package io.conclave.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.runtime.resilience.CallRejectedException;
import io.conclave.runtime.resilience.MalformedAnswerException;
import io.conclave.runtime.resilience.RateLimitedException;
import io.conclave.runtime.resilience.ServiceUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * A model served over HTTP with OpenAI's chat-completions API ({@code POST
 * <base>/chat/completions}): OpenAI itself, vLLM, Ollama ({@code http://localhost:11434/v1}), LM
 * Studio and the like. One user message per prompt, streaming off; the answer is the first choice's
 * message. Failures are classified here, where the protocol is known:
 *
 * <ul>
 *   <li>no connection, no answer within the request timeout, 408, 5xx: {@link
 *       ServiceUnavailableException} (with the 503's {@code Retry-After});
 *   <li>429: {@link RateLimitedException} with its {@code Retry-After};
 *   <li>other 4xx (bad request, bad key, unknown model): {@link CallRejectedException}, never
 *       retried;
 *   <li>200 without an answer in it (not JSON, no choices): {@link MalformedAnswerException}, never
 *       retried.
 * </ul>
 *
 * It does not retry by itself: wrap it in a {@link ResilientModel}. The API key goes in the {@code
 * Authorization} header only and is never logged nor part of an error. Thread-safe.
 */
public final class OpenAiChatModel implements LlmClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_CHARS = 300;

  private final URI endpoint;
  private final String model;
  private final Optional<String> apiKey;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final Clock clock;

  /**
   * @param baseUrl the API's base, e.g. {@code https://api.openai.com/v1}
   * @param model the model to ask, e.g. {@code gpt-4o-mini}
   * @param requestTimeout how long one request may take, connecting included
   */
  public OpenAiChatModel(
      URI baseUrl, String model, Optional<String> apiKey, Duration requestTimeout, Clock clock) {
    String base = Objects.requireNonNull(baseUrl, "baseUrl").toString();
    if (!base.startsWith("http://") && !base.startsWith("https://")) {
      throw new IllegalArgumentException("the model's base URL must be http(s), was " + base);
    }
    this.endpoint =
        URI.create(base.endsWith("/") ? base + "chat/completions" : base + "/chat/completions");
    if (Objects.requireNonNull(model, "model").isBlank()) {
      throw new IllegalArgumentException("the model's name is blank");
    }
    this.model = model;
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey").filter(k -> !k.isBlank());
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public String model() {
    return model;
  }

  /**
   * The answer with the usage the server reported ({@code usage.prompt_tokens}, {@code
   * completion_tokens}).
   */
  @Override
  public ChatResponse chat(ChatRequest chat) {
    Objects.requireNonNull(chat, "chat");
    String prompt = chat.text();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(chat)));
    apiKey.ifPresent(key -> request.header("Authorization", "Bearer " + key));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ServiceUnavailableException(model + " at " + endpoint + " did not answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException(
          model + ": the call was interrupted (its time ran out)", e);
    }
    return answer(
        prompt,
        response.statusCode(),
        response.body(),
        response.headers().firstValue("Retry-After"));
  }

  private String body(ChatRequest chat) {
    ObjectNode body = OpenAiWire.request(chat).put("model", model).put("stream", false);
    return body.toString();
  }

  /** What an answer of the API means: the answer and its usage, or the failure it is. */
  ChatResponse answer(String prompt, int status, String body, Optional<String> retryAfter) {
    if (status == 200) {
      return parse(prompt, body);
    }
    String what = model + " at " + endpoint + " answered " + status + ": " + error(body);
    if (status == 429) {
      throw new RateLimitedException(what, retryAfter.flatMap(v -> retryAfter(v, clock.instant())));
    }
    if (status == 408 || status >= 500) {
      throw new ServiceUnavailableException(
          what, null, retryAfter.flatMap(v -> retryAfter(v, clock.instant())));
    }
    throw new CallRejectedException(status, what);
  }

  private ChatResponse parse(String prompt, String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedAnswerException(
          model + " answered 200 with a body that is not JSON: " + abbreviate(body), e);
    }
    JsonNode content =
        root == null ? null : root.path("choices").path(0).path("message").path("content");
    if (content == null
        || !(content.isTextual()
            || root.path("choices").path(0).path("message").path("tool_calls").isArray())) {
      throw new MalformedAnswerException(
          model + " answered 200 without choices[0].message.content: " + abbreviate(body), null);
    }
    try {
      return OpenAiWire.parseResponse(root, model, Usage.estimate(prompt, content.asText("")));
    } catch (IllegalArgumentException e) {
      throw new MalformedAnswerException(
          model + " answered 200 with " + e.getMessage() + ": " + abbreviate(body), e);
    }
  }

  /** The API's error message ({@code {"error": {"message": ...}}}) or the start of the body. */
  private static String error(String body) {
    try {
      JsonNode message = JSON.readTree(body).path("error").path("message");
      if (message.isTextual()) {
        return abbreviate(message.asText());
      }
    } catch (JsonProcessingException e) {
      // not JSON: the body itself says what happened
    }
    return abbreviate(body);
  }

  private static String abbreviate(String s) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ").trim();
    return one.length() <= MAX_ERROR_CHARS ? one : one.substring(0, MAX_ERROR_CHARS) + "...";
  }

  /** A {@code Retry-After} value: whole seconds or an HTTP date; empty if it is neither. */
  static Optional<Duration> retryAfter(String value, Instant now) {
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until =
            Duration.between(
                now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return Optional.of(until.isNegative() ? Duration.ZERO : until);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
