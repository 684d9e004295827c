package io.conclave.projections.http;

import static io.conclave.projections.http.BrokerlessApi.WRITER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JSON body nested deeper than micronaut.serde.maximum-nesting-depth, through the real HTTP
 * server with no broker: the decoder refuses it before any controller runs.
 */
@ExtendWith(BrokerlessApi.Shared.class)
class RequestNestingHttpTest {

  @Test
  void aBodyNestedPastTheLimitIsABadRequest(BrokerlessApi api) {
    // this overflowed the JSON decoder's stack (a 500) before micronaut.serde.maximum-nesting-depth
    // was set
    for (String path : List.of("/tasks", "/sagas")) {
      HttpResponse<String> response =
          api.postJson(WRITER_TOKEN, path, "[".repeat(3_000) + "]".repeat(3_000));
      assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(400);
    }
  }
}
