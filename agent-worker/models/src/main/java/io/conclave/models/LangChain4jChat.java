package io.conclave.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.output.TokenUsage;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.Tool;
import io.conclave.agent.chat.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conclave's chat requests and answers ({@code io.conclave.agent.chat}) as LangChain4j's, and back:
 * the one place that knows both. A raw JSON schema stays as it is ({@link JsonRawSchema}): the
 * answer's schema whole, a tool's parameters property by property (LangChain4j takes a tool's
 * parameters as an object schema: its {@code properties}, {@code required}, {@code description} and
 * {@code $defs} go over the wire, other keywords of the object itself do not).
 */
final class LangChain4jChat {
  private LangChain4jChat() {}

  /**
   * The request as LangChain4j's; the model's name is the client's.
   *
   * @throws IllegalArgumentException if LangChain4j cannot take it (a blank system message, a
   *     schema that is not an object)
   */
  static dev.langchain4j.model.chat.request.ChatRequest request(ChatRequest request) {
    Map<String, String> toolNames = new HashMap<>();
    List<dev.langchain4j.data.message.ChatMessage> messages = new ArrayList<>();
    for (ChatMessage m : request.messages()) {
      messages.add(
          switch (m.role()) {
            case SYSTEM -> SystemMessage.from(m.content());
            case USER -> UserMessage.from(m.content());
            case ASSISTANT -> assistant(m, toolNames);
            case TOOL -> {
              String id = m.toolCallId().orElseThrow();
              // chat-completions names the call by its id only; LangChain4j also wants the tool
              yield ToolExecutionResultMessage.from(
                  id, toolNames.getOrDefault(id, "unknown"), m.content());
            }
          });
    }
    var builder = dev.langchain4j.model.chat.request.ChatRequest.builder().messages(messages);
    request.temperature().ifPresent(builder::temperature);
    request.maxTokens().ifPresent(builder::maxOutputTokens);
    request
        .responseSchema()
        .ifPresent(
            s ->
                builder.responseFormat(
                    ResponseFormat.builder()
                        .type(ResponseFormatType.JSON)
                        .jsonSchema(
                            JsonSchema.builder()
                                .name(s.name())
                                .rootElement(JsonRawSchema.from(s.schema()))
                                .build())
                        .build()));
    if (!request.tools().isEmpty()) {
      builder.toolSpecifications(request.tools().stream().map(LangChain4jChat::tool).toList());
    }
    return builder.build();
  }

  private static AiMessage assistant(ChatMessage m, Map<String, String> toolNames) {
    if (m.toolCalls().isEmpty()) {
      return AiMessage.from(m.content());
    }
    List<ToolExecutionRequest> calls = new ArrayList<>();
    for (ToolCall call : m.toolCalls()) {
      toolNames.put(call.id(), call.name());
      calls.add(
          ToolExecutionRequest.builder()
              .id(call.id())
              .name(call.name())
              .arguments(call.arguments())
              .build());
    }
    return m.content().isEmpty() ? AiMessage.from(calls) : AiMessage.from(m.content(), calls);
  }

  private static ToolSpecification tool(Tool tool) {
    JsonNode schema = OpenAiWire.tree(tool.parameters());
    if (!schema.isObject()) {
      throw new IllegalArgumentException(
          "the parameters of tool " + tool.name() + " are not a JSON object schema");
    }
    var parameters = JsonObjectSchema.builder();
    Map<String, JsonSchemaElement> properties = new LinkedHashMap<>();
    schema.path("properties").fields().forEachRemaining(p -> properties.put(p.getKey(), raw(p)));
    parameters.addProperties(properties);
    List<String> required = new ArrayList<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    parameters.required(required);
    if (schema.path("description").isTextual()) {
      parameters.description(schema.get("description").asText());
    }
    Map<String, JsonSchemaElement> definitions = new LinkedHashMap<>();
    schema.path("$defs").fields().forEachRemaining(d -> definitions.put(d.getKey(), raw(d)));
    if (!definitions.isEmpty()) {
      parameters.definitions(definitions);
    }
    return ToolSpecification.builder()
        .name(tool.name())
        .description(tool.description())
        .parameters(parameters.build())
        .build();
  }

  private static JsonRawSchema raw(Map.Entry<String, JsonNode> entry) {
    return JsonRawSchema.from(entry.getValue().toString());
  }

  /**
   * LangChain4j's answer as Conclave's.
   *
   * @param model the model asked, for an answer that does not name the one that answered
   * @param estimate the usage to take when the answer reports none
   */
  static ChatResponse response(
      dev.langchain4j.model.chat.response.ChatResponse answer,
      String model,
      LlmClient.Usage estimate) {
    AiMessage message = answer.aiMessage();
    List<ToolCall> calls = new ArrayList<>();
    if (message.hasToolExecutionRequests()) {
      for (ToolExecutionRequest r : message.toolExecutionRequests()) {
        calls.add(
            new ToolCall(
                r.id() == null ? "" : r.id(),
                r.name(),
                r.arguments() == null || r.arguments().isBlank() ? "{}" : r.arguments()));
      }
    }
    TokenUsage tokens = answer.tokenUsage();
    LlmClient.Usage usage =
        tokens != null && tokens.inputTokenCount() != null && tokens.outputTokenCount() != null
            ? new LlmClient.Usage(tokens.inputTokenCount(), tokens.outputTokenCount(), false)
            : estimate;
    String answeredBy = answer.modelName() != null ? answer.modelName() : model;
    return new ChatResponse(
        answeredBy,
        ChatMessage.assistant(message.text() == null ? "" : message.text(), calls),
        finishReason(answer.finishReason()),
        usage);
  }

  private static ChatResponse.FinishReason finishReason(
      dev.langchain4j.model.output.FinishReason reason) {
    if (reason == null) {
      return ChatResponse.FinishReason.OTHER;
    }
    return switch (reason) {
      case STOP -> ChatResponse.FinishReason.STOP;
      case LENGTH -> ChatResponse.FinishReason.LENGTH;
      case TOOL_EXECUTION -> ChatResponse.FinishReason.TOOL_CALLS;
      case CONTENT_FILTER -> ChatResponse.FinishReason.CONTENT_FILTER;
      case OTHER -> ChatResponse.FinishReason.OTHER;
    };
  }
}
