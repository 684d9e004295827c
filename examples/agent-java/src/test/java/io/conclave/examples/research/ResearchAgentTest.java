package io.conclave.examples.research;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.testkit.AgentTestKit;
import io.conclave.agent.testkit.ScriptedModel;
import io.conclave.model.crdt.OrSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResearchAgentTest {
  private static final String ANSWER =
      "{\"topic\":\"Rayleigh scattering\",\"sources\":[\"Feynman Lectures I-32\",\"NASA: Why is the"
          + " sky blue?\"],\"summary\":\"Air scatters short wavelengths most.\"}";

  @Test
  void gathersFindingsAsTheModelStructuredThem() {
    var model = ScriptedModel.answering(ANSWER);
    var kit = AgentTestKit.of(ResearchAgent.create()).withModel(model);

    var run = kit.act("gather", "Why is the sky blue?");

    assertEquals(2, run.output(Findings.class).sources().size());
    assertEquals(
        new ResearchAgent.Gathered("Rayleigh scattering", 2),
        run.decision(ResearchAgent.Gathered.class));
    assertEquals(new ResearchAgent.Notes(1, 0, "Rayleigh scattering"), kit.state());
    assertEquals(
        List.of(ChatMessage.system(ResearchAgent.SYSTEM), ChatMessage.user("Why is the sky blue?")),
        model.lastRequest().messages());
    assertEquals("Findings", model.lastRequest().responseSchema().orElseThrow().name());
    assertEquals(Set.of("Rayleigh scattering"), topics(kit));
  }

  @Test
  void aBlankQuestionFailsTheStepWithoutAskingTheModel() {
    var model = ScriptedModel.answering();
    var kit = AgentTestKit.of(ResearchAgent.create()).withModel(model);

    assertEquals("there is no question to research", kit.act("gather", " ").failure());
    assertTrue(model.requests().isEmpty());
  }

  @Test
  void anAnswerThatIsNotFindingsIsTransientAndLeavesNothing() {
    var kit =
        AgentTestKit.of(ResearchAgent.create())
            .withModel(ScriptedModel.answering("I think it is the sea."));

    var e = assertThrows(IllegalStateException.class, () -> kit.act("gather", "Why blue?"));
    assertTrue(e.getMessage().contains("did not answer a Findings"), e.getMessage());
    assertTrue(kit.decisions().isEmpty());
  }

  @Test
  void discardUndoesTheGathering() {
    var kit = AgentTestKit.of(ResearchAgent.create()).withModel(ScriptedModel.answering(ANSWER));
    var gathered = kit.act("gather", "Why is the sky blue?");

    var undone = kit.compensate(gathered, "discard", "the editor rejected it");

    assertEquals(
        new ResearchAgent.Discarded("Rayleigh scattering", "the editor rejected it"),
        undone.decision(ResearchAgent.Discarded.class));
    assertEquals(1, kit.state().discarded());
    assertEquals(Set.of(), topics(kit));
  }

  @Test
  void anUnknownActionNamesTheKnownOnes() {
    var kit = AgentTestKit.of(ResearchAgent.create());

    var e = assertThrows(IllegalArgumentException.class, () -> kit.act("summarize", "x"));
    assertTrue(e.getMessage().contains("[gather]"), e.getMessage());
  }

  @Test
  void theWriterPublishesAndWithdrawsUnderTheStepsKey() {
    var published = new ArrayList<String>();
    Publisher publisher =
        new Publisher() {
          @Override
          public void publish(String key, String text) {
            published.add(key);
          }

          @Override
          public void withdraw(String key) {
            published.remove(key);
          }
        };
    var kit =
        AgentTestKit.of(WriterAgent.create(publisher))
            .withModel(ScriptedModel.answering("The sky is blue because..."));
    var findings = new Findings("Rayleigh scattering", List.of("Feynman"), "Air scatters blue.");

    var drafted = kit.act("draft", findings);
    assertEquals("The sky is blue because...", drafted.output());
    assertEquals(List.of("saga-1/0"), published);

    kit.compensate(drafted, "unpublish", "a later step failed");
    assertEquals(List.of(), published);
    assertEquals(List.of("publish", "withdraw"), kit.effects());
  }

  private static Set<String> topics(AgentTestKit<?> kit) {
    return ((OrSet) kit.knowledge("research.topics").orElseThrow()).value();
  }
}
