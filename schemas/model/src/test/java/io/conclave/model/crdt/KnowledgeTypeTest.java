package io.conclave.model.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KnowledgeTypeTest {

  @Test
  void eachTypeIsFoundByItsIdAndItsEmptyValueIsOfIt() {
    for (KnowledgeType type : KnowledgeType.values()) {
      assertThat(KnowledgeType.of(type.id())).isSameAs(type);
      assertThat(type.empty().type()).isSameAs(type);
    }
  }

  @Test
  void anUnknownIdNamesTheKnownOnes() {
    assertThatThrownBy(() -> KnowledgeType.of("g-set"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown knowledge type 'g-set'; known: g-counter, pn-counter, or-set, lww-register, lww-map");
  }
}
