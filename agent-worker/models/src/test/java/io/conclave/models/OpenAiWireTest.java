package io.conclave.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.ResponseSchema;
import io.conclave.agent.chat.Tool;
import io.conclave.agent.chat.ToolCall;
import io.conclave.agent.chat.Usage;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class OpenAiWireTest {
  private static final Gen<String> TEXT = strings().allPossible().ofLengthBetween(0, 40);
  private static final Gen<ChatMessage> MESSAGES =
      integers()
          .between(0, 4)
          .zip(
              TEXT,
              TEXT,
              (role, text, id) ->
                  switch (role) {
                    case 0 -> ChatMessage.system(text);
                    case 1 -> ChatMessage.user(text);
                    case 2 -> ChatMessage.assistant(text);
                    case 3 ->
                        ChatMessage.assistant(
                            text, List.of(new ToolCall("c" + id, "look_up", "{\"q\":1}")));
                    default -> ChatMessage.toolResult("c" + id, text);
                  });
  private static final Gen<ChatRequest> REQUESTS =
      lists()
          .of(MESSAGES)
          .ofSizeBetween(1, 5)
          .zip(
              integers().between(0, 4),
              integers().between(0, 3),
              (messages, max, extras) ->
                  new ChatRequest(
                      messages,
                      extras > 0 ? OptionalDouble.of(extras / 2.0) : OptionalDouble.empty(),
                      max > 0 ? OptionalInt.of(max * 100) : OptionalInt.empty(),
                      extras > 1
                          ? Optional.of(
                              new ResponseSchema(
                                  "plan",
                                  "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"))
                          : Optional.empty(),
                      extras > 2
                          ? List.of(
                              new Tool(
                                  "look_up",
                                  "finds a fact",
                                  "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"integer\"}}}"))
                          : List.of()));

  @Test
  void aRequestReadsBackAsItWasWritten() {
    qt().withExamples(500)
        .forAll(REQUESTS)
        .checkAssert(
            request ->
                assertThat(OpenAiWire.parseRequest(OpenAiWire.request(request)))
                    .isEqualTo(request));
  }

  @Test
  void anAnswerReadsBackAsItWasWritten() {
    qt().withExamples(300)
        .forAll(TEXT, integers().between(0, 4))
        .checkAssert(
            (text, finish) -> {
              var reason = ChatResponse.FinishReason.values()[finish == 4 ? 0 : finish];
              var answer =
                  new ChatResponse(
                      "gpt-test",
                      reason == ChatResponse.FinishReason.TOOL_CALLS
                          ? ChatMessage.assistant(
                              text, List.of(new ToolCall("c1", "look_up", "{}")))
                          : ChatMessage.assistant(text),
                      reason,
                      new Usage(text.length(), 3, false));
              assertThat(
                      OpenAiWire.parseResponse(
                          OpenAiWire.response(answer), "other", Usage.estimate("", "")))
                  .isEqualTo(answer);
            });
  }

  @Test
  void aPlainPromptIsKeyedByItselfAndAnythingElseByItsJson() {
    assertThat(OpenAiWire.canonical(ChatRequest.prompt("why?"))).isEqualTo("why?");
    assertThat(OpenAiWire.canonical(ChatRequest.prompt("why?").withTemperature(0)))
        .startsWith("{\"messages\":[{\"role\":\"user\",\"content\":\"why?\"}]");
  }

  @Test
  void whatIsNotAChatRequestIsRefusedSayingWhy() {
    assertThatThrownBy(() -> OpenAiWire.parseRequest(OpenAiWire.tree("[]")))
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> OpenAiWire.parseRequest(OpenAiWire.tree("{\"messages\":[]}")))
        .hasMessageContaining("messages: a non-empty array");
    assertThatThrownBy(
            () ->
                OpenAiWire.parseRequest(
                    OpenAiWire.tree("{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}")))
        .hasMessageContaining("messages[0].role must be system, user, assistant or tool");
    assertThatThrownBy(
            () ->
                OpenAiWire.parseRequest(
                    OpenAiWire.tree("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}")))
        .hasMessageContaining("messages[0]: a tool message names the call it answers");
    assertThatThrownBy(
            () ->
                OpenAiWire.parseRequest(
                    OpenAiWire.tree(
                        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}")))
        .hasMessageContaining("only text parts are supported");
  }

  @Test
  void textPartsAreJoinedAndDeveloperMessagesAreSystemMessages() {
    ChatRequest request =
        OpenAiWire.parseRequest(
            OpenAiWire.tree(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                    + "{\"type\":\"text\",\"text\":\"b\"}]}],\"max_completion_tokens\":7}"));
    assertThat(request.messages())
        .containsExactly(ChatMessage.system("be brief"), ChatMessage.user("ab"));
    assertThat(request.maxTokens()).hasValue(7);
  }
}
