package io.conclave.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.launcher.cli.Endpoints;
import org.junit.jupiter.api.Test;

/** The admin token {@code conclave dev} makes and hands to its projections. */
class DevTokenTest {
  @Test
  void aNewTokenIsLongRandomAndNeedsNoEscapingInTheTokenList() {
    // when
    String first = Endpoints.newApiToken();
    String second = Endpoints.newApiToken();

    // then: 32 random bytes, URL-safe Base64 without padding; no ',' or ':' that
    // CONCLAVE_API_TOKENS splits on
    assertThat(first).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(second).isNotEqualTo(first);
  }

  @Test
  void theDevTokenIsAddedToTheConfiguredOnesAsAnAdmin() {
    assertThat(DevStack.projectionTokens(null, "t0k3n")).isEqualTo("conclave-dev:admin:t0k3n");
    assertThat(DevStack.projectionTokens(" ", "t0k3n")).isEqualTo("conclave-dev:admin:t0k3n");
    assertThat(DevStack.projectionTokens("ci:writer:0123456789abcdef", "t0k3n"))
        .isEqualTo("ci:writer:0123456789abcdef,conclave-dev:admin:t0k3n");
  }
}
