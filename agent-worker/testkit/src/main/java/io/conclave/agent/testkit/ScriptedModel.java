package io.conclave.agent.testkit;

import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.ToolCall;
import io.conclave.agent.chat.Usage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * A model that answers from a script, in order, and keeps the requests it got for assertions. A
 * call the script has no answer left for fails the test with an {@link AssertionError} that shows
 * the request (an error, so that an agent catching {@code RuntimeException} cannot swallow it).
 *
 * <pre>{@code
 * var model = ScriptedModel.answering("first answer")
 *     .thenCalls(new ToolCall("c1", "search", "{\"q\":\"sky\"}"))
 *     .then("second answer");
 * }</pre>
 *
 * <p>Thread-safe (a model must be); the script is meant to be written before the agent runs.
 */
public final class ScriptedModel implements LlmClient {
  private final String model;
  private final Deque<ChatResponse> script = new ArrayDeque<>();
  private final List<ChatRequest> requests = new ArrayList<>();

  /** An empty script for a model of that name: add its answers with {@link #then}. */
  public ScriptedModel(String model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  /** A model named {@code scripted} that answers these texts, in order. */
  public static ScriptedModel answering(String... texts) {
    var scripted = new ScriptedModel("scripted");
    for (String text : texts) {
      scripted.then(text);
    }
    return scripted;
  }

  /** Then answers {@code text} (its usage estimated from the request and the text). */
  public ScriptedModel then(String text) {
    Objects.requireNonNull(text, "text");
    return then(ChatResponse.text(model, text, new Usage(0, 0, true)));
  }

  /** Then calls these tools instead of answering. */
  public ScriptedModel thenCalls(ToolCall... calls) {
    return then(
        new ChatResponse(
            model,
            ChatMessage.assistant("", List.of(calls)),
            ChatResponse.FinishReason.TOOL_CALLS,
            new Usage(0, 0, true)));
  }

  /** Then answers {@code response} as it is. */
  public synchronized ScriptedModel then(ChatResponse response) {
    script.add(Objects.requireNonNull(response, "response"));
    return this;
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public synchronized ChatResponse chat(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    requests.add(request);
    ChatResponse next = script.poll();
    if (next == null) {
      throw new AssertionError(
          "the script of "
              + model
              + " has no answer left for call "
              + requests.size()
              + ": "
              + describe(request));
    }
    if (next.usage().estimated() && next.usage().total() == 0) {
      // a scripted text says nothing of tokens: estimate them as a model that does not say would
      next =
          new ChatResponse(
              next.model(),
              next.message(),
              next.finishReason(),
              Usage.estimate(request.text(), next.text()));
    }
    return next;
  }

  /** The requests the model got so far, in order. */
  public synchronized List<ChatRequest> requests() {
    return List.copyOf(requests);
  }

  /** The last request the model got. */
  public synchronized ChatRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new AssertionError(model + " was not asked anything");
    }
    return requests.get(requests.size() - 1);
  }

  /** The answers the script has left. */
  public synchronized int remaining() {
    return script.size();
  }

  private static String describe(ChatRequest request) {
    var last = request.messages().get(request.messages().size() - 1);
    String text = last.content();
    return request.messages().size()
        + " message(s), the last ("
        + last.role()
        + "): "
        + (text.length() <= 200 ? text : text.substring(0, 197) + "...");
  }
}
