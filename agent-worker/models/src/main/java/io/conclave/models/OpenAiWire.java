package io.conclave.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.ResponseSchema;
import io.conclave.agent.chat.Tool;
import io.conclave.agent.chat.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Chat requests and answers in OpenAI's chat-completions JSON, the lingua franca of model clients:
 * the format the worker records model calls in, and the one its per-step endpoint speaks to remote
 * agents. Reading is strict: what does not follow the format is an {@link IllegalArgumentException}
 * that says what is wrong.
 */
public final class OpenAiWire {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenAiWire() {}

  /** The request as a chat-completions body, without {@code model} and {@code stream}. */
  public static ObjectNode request(ChatRequest request) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode messages = body.putArray("messages");
    request.messages().forEach(m -> messages.add(message(m)));
    request.temperature().ifPresent(t -> body.put("temperature", t));
    request.maxTokens().ifPresent(n -> body.put("max_tokens", n));
    request
        .responseSchema()
        .ifPresent(
            s -> {
              ObjectNode schema =
                  body.putObject("response_format")
                      .put("type", "json_schema")
                      .putObject("json_schema");
              schema.put("name", s.name()).put("strict", true).set("schema", tree(s.schema()));
            });
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (Tool tool : request.tools()) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function
            .put("name", tool.name())
            .put("description", tool.description())
            .set("parameters", tree(tool.parameters()));
      }
    }
    return body;
  }

  /** The request's canonical text: how a recording keys it. */
  public static String canonical(ChatRequest request) {
    return request.plainPrompt().orElseGet(() -> request(request).toString());
  }

  /**
   * The chat request a chat-completions body asks ({@code model}, {@code stream} and unknown fields
   * are not part of it).
   *
   * @throws IllegalArgumentException if the body is not a chat-completions request
   */
  public static ChatRequest parseRequest(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    JsonNode messages = body.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      throw new IllegalArgumentException("messages: a non-empty array is required");
    }
    List<ChatMessage> parsed = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      parsed.add(parseMessage(messages.get(i), "messages[" + i + "]"));
    }
    OptionalDouble temperature =
        body.path("temperature").isNumber()
            ? OptionalDouble.of(body.get("temperature").asDouble())
            : OptionalDouble.empty();
    JsonNode max =
        body.path("max_completion_tokens").isIntegralNumber()
            ? body.get("max_completion_tokens")
            : body.path("max_tokens");
    OptionalInt maxTokens =
        max.isIntegralNumber() ? OptionalInt.of(max.asInt()) : OptionalInt.empty();
    Optional<ResponseSchema> schema = Optional.empty();
    JsonNode format = body.path("response_format");
    if ("json_schema".equals(format.path("type").asText())) {
      JsonNode s = format.path("json_schema");
      if (!s.path("name").isTextual() || !s.path("schema").isObject()) {
        throw new IllegalArgumentException(
            "response_format.json_schema: a name and an object schema are required");
      }
      schema = Optional.of(new ResponseSchema(s.get("name").asText(), s.get("schema").toString()));
    }
    List<Tool> tools = new ArrayList<>();
    JsonNode toolNodes = body.path("tools");
    for (int i = 0; i < toolNodes.size(); i++) {
      JsonNode f = toolNodes.get(i).path("function");
      if (!f.path("name").isTextual()) {
        throw new IllegalArgumentException("tools[" + i + "].function.name is required");
      }
      tools.add(
          new Tool(
              f.get("name").asText(),
              f.path("description").asText(""),
              f.path("parameters").isObject()
                  ? f.get("parameters").toString()
                  : "{\"type\":\"object\",\"properties\":{}}"));
    }
    try {
      return new ChatRequest(parsed, temperature, maxTokens, schema, tools);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the chat request is invalid: " + e.getMessage(), e);
    }
  }

  /** The answer as a chat-completions response ({@code id} and {@code created} left to callers). */
  public static ObjectNode response(ChatResponse response) {
    ObjectNode body = JSON.createObjectNode().put("object", "chat.completion");
    body.put("model", response.model());
    ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
    choice.set("message", message(response.message()));
    choice.put("finish_reason", finishReason(response.finishReason()));
    body.putObject("usage")
        .put("prompt_tokens", response.usage().inputTokens())
        .put("completion_tokens", response.usage().outputTokens())
        .put("total_tokens", response.usage().total());
    return body;
  }

  /**
   * The answer a chat-completions response gives.
   *
   * @param estimate the usage to take when the response reports none
   * @throws IllegalArgumentException if the body has no first choice with an assistant message
   */
  public static ChatResponse parseResponse(JsonNode body, String model, LlmClient.Usage estimate) {
    JsonNode message = body == null ? null : body.path("choices").path(0).path("message");
    if (message == null || !message.isObject()) {
      throw new IllegalArgumentException("no choices[0].message in the answer");
    }
    ChatMessage parsed = parseMessage(message, "choices[0].message");
    if (parsed.role() != ChatMessage.Role.ASSISTANT) {
      throw new IllegalArgumentException("choices[0].message is not the assistant's");
    }
    JsonNode usage = body.path("usage");
    LlmClient.Usage used =
        usage.path("prompt_tokens").canConvertToLong()
                && usage.path("completion_tokens").canConvertToLong()
                && usage.path("prompt_tokens").asLong() >= 0
                && usage.path("completion_tokens").asLong() >= 0
            ? new LlmClient.Usage(
                usage.get("prompt_tokens").asLong(), usage.get("completion_tokens").asLong(), false)
            : estimate;
    String answeredBy = body.path("model").isTextual() ? body.get("model").asText() : model;
    return new ChatResponse(
        answeredBy,
        parsed,
        finishReason(body.path("choices").path(0).path("finish_reason").asText("")),
        used);
  }

  /** The JSON text as a tree; an {@link IllegalArgumentException} naming it if it is not JSON. */
  public static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static ObjectNode message(ChatMessage m) {
    ObjectNode node = JSON.createObjectNode().put("role", m.role().name().toLowerCase(Locale.ROOT));
    node.put("content", m.content());
    m.toolCallId().ifPresent(id -> node.put("tool_call_id", id));
    if (!m.toolCalls().isEmpty()) {
      ArrayNode calls = node.putArray("tool_calls");
      for (ToolCall call : m.toolCalls()) {
        calls
            .addObject()
            .put("id", call.id())
            .put("type", "function")
            .putObject("function")
            .put("name", call.name())
            .put("arguments", call.arguments());
      }
    }
    return node;
  }

  private static ChatMessage parseMessage(JsonNode m, String where) {
    String role = m.path("role").asText("");
    ChatMessage.Role parsed =
        switch (role) {
          case "system", "developer" -> ChatMessage.Role.SYSTEM;
          case "user" -> ChatMessage.Role.USER;
          case "assistant" -> ChatMessage.Role.ASSISTANT;
          case "tool" -> ChatMessage.Role.TOOL;
          default ->
              throw new IllegalArgumentException(
                  where + ".role must be system, user, assistant or tool, was '" + role + "'");
        };
    List<ToolCall> calls = new ArrayList<>();
    JsonNode toolCalls = m.path("tool_calls");
    for (int i = 0; i < toolCalls.size(); i++) {
      JsonNode c = toolCalls.get(i);
      JsonNode f = c.path("function");
      if (!c.path("id").isTextual() || !f.path("name").isTextual()) {
        throw new IllegalArgumentException(
            where + ".tool_calls[" + i + "]: an id and a function name are required");
      }
      calls.add(
          new ToolCall(
              c.get("id").asText(), f.get("name").asText(), f.path("arguments").asText("{}")));
    }
    Optional<String> toolCallId =
        m.path("tool_call_id").isTextual()
            ? Optional.of(m.get("tool_call_id").asText())
            : Optional.empty();
    try {
      return new ChatMessage(parsed, content(m.path("content"), where), calls, toolCallId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** A message's content: a string, null, or an array of text parts (joined). */
  private static String content(JsonNode content, String where) {
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isMissingNode() || content.isNull()) {
      return "";
    }
    if (content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
          throw new IllegalArgumentException(
              where + ".content: only text parts are supported, found " + part.path("type"));
        }
        text.append(part.get("text").asText());
      }
      return text.toString();
    }
    throw new IllegalArgumentException(where + ".content must be a string or text parts");
  }

  private static String finishReason(ChatResponse.FinishReason reason) {
    return switch (reason) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
      case OTHER -> "stop";
    };
  }

  static ChatResponse.FinishReason finishReason(String reason) {
    return switch (reason) {
      case "stop" -> ChatResponse.FinishReason.STOP;
      case "length" -> ChatResponse.FinishReason.LENGTH;
      case "tool_calls", "function_call" -> ChatResponse.FinishReason.TOOL_CALLS;
      case "content_filter" -> ChatResponse.FinishReason.CONTENT_FILTER;
      default -> ChatResponse.FinishReason.OTHER;
    };
  }
}
