package io.conclave.projections.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.Hlc;
import io.conclave.model.crdt.LwwRegister;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.knowledge.KnowledgeState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnowledgeJsonTest {
  private static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void anEntryShowsTheValueAndTheStateAsJsonAndTheReplicasSorted() {
    // given: a counter two replicas incremented, and a cleared register
    GCounter counter =
        GCounter.EMPTY.increment("write-1", 2).merge(GCounter.EMPTY.increment("research-0", 3));
    LwwRegister cleared = LwwRegister.EMPTY.clear(new Hlc(5, 0), "alpha-0");

    // when / then
    assertThat(
            KnowledgeJson.render(
                new KnowledgeEntry("team.tokens", new KnowledgeState(counter, T, 4))))
        .isEqualTo(
            "{\"key\":\"team.tokens\",\"type\":\"g-counter\",\"value\":5,\"replicas\":[\"research-0\","
                + "\"write-1\"],\"updatedAt\":\"2026-11-24T10:00:00Z\",\"deltas\":4,\"state\":{\"type\":\"g-counter\","
                + "\"counts\":{\"research-0\":3,\"write-1\":2}}}");
    assertThat(KnowledgeJson.render(new KnowledgeEntry("draft", new KnowledgeState(cleared, T, 1))))
        .isEqualTo(
            "{\"key\":\"draft\",\"type\":\"lww-register\",\"value\":null,\"replicas\":[\"alpha-0\"],"
                + "\"updatedAt\":\"2026-11-24T10:00:00Z\",\"deltas\":1,\"state\":{\"type\":\"lww-register\","
                + "\"stamp\":{\"millis\":5,\"counter\":0,\"replica\":\"alpha-0\"}}}");
  }

  @Test
  void entriesAndPagesReadBackAsWritten() {
    var facts =
        new KnowledgeEntry("facts", new KnowledgeState(OrSet.EMPTY.add("a-0", "kafka"), T, 1));
    var tokens =
        new KnowledgeEntry("tokens", new KnowledgeState(GCounter.EMPTY.increment("a-0", 1), T, 9));
    var page = new KnowledgePage(List.of(facts, tokens), true);

    assertThat(KnowledgeJson.entry(KnowledgeJson.render(facts))).isEqualTo(facts);
    assertThat(KnowledgeJson.page(KnowledgeJson.render(page))).isEqualTo(page);
    assertThat(KnowledgeJson.render(new KnowledgePage(List.of(), false)))
        .isEqualTo("{\"entries\":[],\"truncated\":false}");
  }

  @Test
  void aPeersAnswerIsReadStrictly() {
    String good =
        KnowledgeJson.render(
            new KnowledgeEntry(
                "tokens", new KnowledgeState(GCounter.EMPTY.increment("a-0", 1), T, 1)));

    assertThatThrownBy(
            () ->
                KnowledgeJson.entry(
                    good.replace(
                        "\"type\":\"g-counter\",\"value\"", "\"type\":\"pn-counter\",\"value\"")))
        .hasMessageContaining("type pn-counter but the state is a g-counter");
    assertThatThrownBy(() -> KnowledgeJson.entry(good.replace("{\"key\"", "{\"extra\":1,\"key\"")))
        .hasMessageContaining("unknown field 'extra'");
    assertThatThrownBy(() -> KnowledgeJson.entry(good.replace("\"deltas\":1,", "")))
        .hasMessageContaining("lacks the field 'deltas'");
    assertThatThrownBy(
            () -> KnowledgeJson.entry(good.replace("\"key\":\"tokens\"", "\"key\":\"no good\"")))
        .hasMessageContaining("knowledge key may only contain");
    assertThatThrownBy(() -> KnowledgeJson.page("{\"entries\":[" + good + "]}"))
        .hasMessageContaining("lacks the field 'truncated'");
    assertThatThrownBy(() -> KnowledgeJson.page("not json")).hasMessageStartingWith("not JSON");
  }
}
