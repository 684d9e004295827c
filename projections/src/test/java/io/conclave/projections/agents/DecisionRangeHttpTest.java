package io.conclave.projections.agents;

import static io.conclave.projections.http.BrokerlessApi.READER_TOKEN;
import static io.conclave.projections.http.BrokerlessApi.assertJsonContentType;
import static io.conclave.projections.http.BrokerlessApi.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.projections.http.BrokerlessApi;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /agents/{agentId}/decisions} with a range it cannot use, through the real HTTP server
 * with no broker: a 400, answered before the decisions are looked up.
 */
@ExtendWith(BrokerlessApi.Shared.class)
class DecisionRangeHttpTest {

  @Test
  void aDecisionRangeThatEndsBeforeItStartsIsABadRequest(BrokerlessApi api) throws Exception {
    // When
    HttpResponse<String> r = api.get(READER_TOKEN, "/agents/x/decisions?from=5&to=2");

    // Then
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertJsonContentType(r);
    assertThat(message(r)).contains("from").contains("to");
  }

  @Test
  void aNegativeOrNonNumericDecisionBoundIsABadRequest(BrokerlessApi api) {
    for (String query : List.of("from=-1", "from=abc", "to=1.5")) {
      // When
      HttpResponse<String> r = api.get(READER_TOKEN, "/agents/x/decisions?" + query);

      // Then
      assertThat(r.statusCode()).as(query + " -> " + r.body()).isEqualTo(400);
    }
  }
}
