package io.conclave.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.ChatModel;
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
 * Studio and the like. Built on LangChain4j's {@code OpenAiChatModel} ({@code
 * langchain4j-open-ai}), a maintained client of the API behind LangChain4j's {@link ChatModel}, the
 * abstraction its many providers share (another provider is another {@code ChatModel} behind this
 * same class's mapping), over the JDK's own HTTP client ({@code langchain4j-http-client-jdk}: no
 * OkHttp, no Kotlin). The whole conversation goes: system, user, assistant (with its tool calls)
 * and tool messages, temperature, {@code max_tokens}, a JSON schema for the answer ({@code
 * response_format} {@code json_schema}, strict) and tools; the answer is the first choice's
 * message, with its tool calls, finish reason and usage. Streaming off.
 *
 * <p>LangChain4j does not retry here ({@code maxRetries} 0): the {@link ResilientModel}'s pipeline
 * is the only one that does. Failures are classified here, where the protocol is known, from
 * LangChain4j's exceptions:
 *
 * <ul>
 *   <li>no connection, no answer within the request timeout, 408, 5xx: {@link
 *       ServiceUnavailableException} (with the answer's {@code Retry-After}, which {@link
 *       RetryAfterKeepingClient} keeps);
 *   <li>429: {@link RateLimitedException} with its {@code Retry-After};
 *   <li>other 4xx (bad request, bad key, unknown model), or a request LangChain4j cannot send:
 *       {@link CallRejectedException}, never retried;
 *   <li>200 without an answer in it (not JSON, no choices, a message with neither text nor tool
 *       calls): {@link MalformedAnswerException}, never retried.
 * </ul>
 *
 * The API key goes in the {@code Authorization} header only and is never logged (LangChain4j's
 * request and response logs stay off) nor part of an error. Thread-safe.
 */
public final class OpenAiChatModel implements LlmClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_CHARS = 300;

  private final String where;
  private final String model;
  private final ChatModel client;
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
    if (Objects.requireNonNull(model, "model").isBlank()) {
      throw new IllegalArgumentException("the model's name is blank");
    }
    this.model = model;
    this.where = model + " at " + base;
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.client =
        dev.langchain4j.model.openai.OpenAiChatModel.builder()
            .baseUrl(base)
            .apiKey(Objects.requireNonNull(apiKey, "apiKey").filter(k -> !k.isBlank()).orElse(null))
            .modelName(model)
            .timeout(requestTimeout)
            .maxRetries(0)
            .strictJsonSchema(true)
            .logRequests(false)
            .logResponses(false)
            .httpClientBuilder(
                JdkHttpClient.builder()
                    .httpClientBuilder(
                        RetryAfterKeepingClient.builder(
                            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER))))
            .build();
  }

  @Override
  public String model() {
    return model;
  }

  /**
   * The answer with the usage the server reported ({@code usage.prompt_tokens}, {@code
   * completion_tokens}), estimated if it reported none.
   */
  @Override
  public ChatResponse chat(ChatRequest chat) {
    Objects.requireNonNull(chat, "chat");
    dev.langchain4j.model.chat.request.ChatRequest request;
    try {
      request = LangChain4jChat.request(chat);
    } catch (IllegalArgumentException e) {
      throw new CallRejectedException(
          400, where + ": the request cannot be sent: " + abbreviate(e.getMessage()));
    }
    dev.langchain4j.model.chat.response.ChatResponse answer;
    try {
      answer = client.chat(request);
    } catch (RuntimeException e) {
      throw failure(e);
    }
    if (answer.aiMessage().text() == null && !answer.aiMessage().hasToolExecutionRequests()) {
      throw new MalformedAnswerException(
          where + " answered 200 without choices[0].message.content nor tool calls", null);
    }
    return LangChain4jChat.response(
        answer, model, Usage.estimate(chat.text(), answer.aiMessage().text()));
  }

  /** What a failure of LangChain4j's call means: the {@code CallFailure} it is. */
  RuntimeException failure(RuntimeException e) {
    HttpException http = cause(e, HttpException.class);
    if (http != null) {
      return answered(
          http.statusCode(),
          http.getMessage(),
          http instanceof RetryAfterKeepingClient.Failed failed
              ? failed.retryAfter()
              : Optional.empty());
    }
    if (cause(e, InterruptedException.class) != null) {
      Thread.currentThread().interrupt();
      return new ServiceUnavailableException(
          model + ": the call was interrupted (its time ran out)", e);
    }
    if (cause(e, JsonProcessingException.class) != null) {
      return new MalformedAnswerException(
          where + " answered 200 with a body that is not JSON: " + rootMessage(e), e);
    }
    if (cause(e, dev.langchain4j.exception.TimeoutException.class) != null
        || cause(e, UnresolvedModelServerException.class) != null
        || cause(e, IOException.class) != null) {
      return new ServiceUnavailableException(where + " did not answer: " + rootMessage(e), e);
    }
    if (e instanceof UnsupportedFeatureException || e instanceof IllegalArgumentException) {
      return new CallRejectedException(
          400, where + ": the request cannot be sent: " + abbreviate(e.getMessage()));
    }
    if (e instanceof InternalServerException) {
      // a 200 that LangChain4j could not read an answer from (no choices): not the server's 5xx,
      // which would have an HttpException as its cause
      return new MalformedAnswerException(
          where + " answered 200 without choices[0].message.content: " + e.getMessage(), e);
    }
    return new MalformedAnswerException(where + " answered what cannot be read: " + e, e);
  }

  /** What a status other than 2xx means. */
  private RuntimeException answered(int status, String body, Optional<String> retryAfter) {
    String what = where + " answered " + status + ": " + error(body);
    Optional<Duration> wait = retryAfter.flatMap(v -> retryAfter(v, clock.instant()));
    if (status == 429) {
      return new RateLimitedException(what, wait);
    }
    if (status == 408 || status >= 500) {
      return new ServiceUnavailableException(what, null, wait);
    }
    return new CallRejectedException(status, what);
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return abbreviate(root.toString());
  }

  /** The API's error message ({@code {"error": {"message": ...}}}) or the start of the body. */
  private static String error(String body) {
    try {
      JsonNode message = JSON.readTree(body).path("error").path("message");
      if (message.isTextual()) {
        return abbreviate(message.asText());
      }
    } catch (JsonProcessingException | IllegalArgumentException e) {
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
