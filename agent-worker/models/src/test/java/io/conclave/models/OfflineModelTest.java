package io.conclave.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ResponseSchema;
import org.junit.jupiter.api.Test;

class OfflineModelTest {
  private final OfflineModel model = OfflineModel.instant();

  @Test
  void aPlainPromptIsAnsweredByItsDigestAlways() {
    assertThat(model.complete("why?")).isEqualTo(model.complete("why?")).startsWith("answer ");
    assertThat(model.complete("why?")).isNotEqualTo(model.complete("why not?"));
  }

  @Test
  void aRequestWithASchemaGetsADocumentOfThatSchema() {
    String schema =
        """
        {"type":"object","properties":{
          "summary":{"type":"string"},
          "confidence":{"type":"number","minimum":0.5},
          "sources":{"type":"array","items":{"$ref":"#/$defs/source"},"minItems":2},
          "verdict":{"enum":["yes","no"]},
          "draft":{"type":["boolean","null"]}},
         "$defs":{"source":{"type":"object","properties":{"url":{"type":"string"},"rank":{"type":"integer"}}}}}
        """;
    String answer =
        model
            .chat(
                ChatRequest.prompt("sources on the sky")
                    .withResponseSchema(new ResponseSchema("findings", schema)))
            .text();

    var doc = OpenAiWire.tree(answer);
    assertThat(doc.get("summary").asText()).startsWith("answer ");
    assertThat(doc.get("confidence").asDouble()).isEqualTo(0.5);
    assertThat(doc.get("sources")).hasSize(2);
    assertThat(doc.get("sources").get(0).get("rank").asInt()).isZero();
    assertThat(doc.get("verdict").asText()).isEqualTo("yes");
    assertThat(doc.get("draft").asBoolean()).isFalse();
    assertThat(
            OpenAiWire.tree(
                    model
                        .chat(
                            ChatRequest.prompt("q")
                                .withResponseSchema(
                                    new ResponseSchema(
                                        "list",
                                        "{\"type\":\"object\",\"properties\":{\"xs\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}")))
                        .text())
                .get("xs"))
        .as("an array gets one item at least")
        .hasSize(1);
  }
}
