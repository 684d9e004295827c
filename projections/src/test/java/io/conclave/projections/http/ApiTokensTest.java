package io.conclave.projections.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading the configured API tokens, finding the one a request presents, and the roles each
 * implies.
 */
class ApiTokensTest {
  private static final String CI = "ci-token-0123456789";
  private static final String OPS = "ops-token-0123456789";

  @Test
  void eachTokenIsFoundByItsSecretWithItsNameAndRoles() {
    // given
    ApiTokens tokens = ApiTokens.parse(List.of("ci:writer:" + CI + ", ops:ADMIN:" + OPS));

    // then
    assertThat(tokens.find(CI))
        .hasValueSatisfying(
            t -> {
              assertThat(t.name()).isEqualTo("ci");
              assertThat(t.roles()).containsExactly("reader", "writer");
            });
    assertThat(tokens.find(OPS))
        .hasValueSatisfying(
            t -> {
              assertThat(t.name()).isEqualTo("ops");
              assertThat(t.roles()).containsExactly("reader", "writer", "admin");
            });
    assertThat(tokens.find("ci")).isEmpty();
    assertThat(tokens.find(CI + " ")).isEmpty();
    assertThat(tokens.find("")).isEmpty();
    assertThat(tokens.find(null)).isEmpty();
    assertThat(tokens.names()).containsExactly("ci (writer)", "ops (admin)");
  }

  @Test
  void aTokenMayBeConfiguredAsItsSha256() throws Exception {
    // given: the configuration holds only the hash
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(OPS.getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().formatHex(digest);
    ApiTokens tokens = ApiTokens.parse(List.of("ops:admin:sha256:" + hex.toUpperCase()));

    // then
    assertThat(tokens.find(OPS)).hasValueSatisfying(t -> assertThat(t.role()).isEqualTo("admin"));
    assertThat(tokens.find(hex)).isEmpty();
    assertThat(tokens.find("sha256:" + hex)).isEmpty();
  }

  @Test
  void aSecretMayHoldColonsAndListsMaySpreadOverSeveralEntries() {
    // given
    ApiTokens tokens =
        ApiTokens.parse(List.of("a:reader:x:y:z-0123456789abcdef", "", " ", "b:writer:" + CI));

    // then
    assertThat(tokens.find("x:y:z-0123456789abcdef"))
        .hasValueSatisfying(t -> assertThat(t.name()).isEqualTo("a"));
    assertThat(tokens.find(CI)).hasValueSatisfying(t -> assertThat(t.name()).isEqualTo("b"));
    assertThat(ApiTokens.parse(List.of()).isEmpty()).isTrue();
    assertThat(ApiTokens.parse(List.of(" , ")).isEmpty()).isTrue();
  }

  @Test
  void aMalformedEntryIsRefusedByPositionAndNameNeverShowingTheSecret() {
    assertBad("ci:writer", "API token #1 ('ci') is not name:role:secret");
    assertBad("ci:writer:", "API token #1 ('ci') is not name:role:secret");
    assertBad(CI, "API token #1 is not name:role:secret");
    assertBad(
        "ok:admin:" + OPS + ",ci:owner:" + CI,
        "API token #2 ('ci'): unknown role 'owner' (one of reader, writer, admin)");
    assertBad(
        "ci:writer:short-secret", "API token #1 ('ci'): the token is shorter than 16 characters");
    assertBad(
        "ci:writer:sha256:abc", "API token #1 ('ci'): after 'sha256:' come the 64 hex digits");
    assertBad("c i:writer:" + CI, "API token #1: the name must be 1 to 64 letters, digits");
    assertBad("ci:writer:" + CI + ",ci:admin:" + OPS, "API token 'ci' is configured twice");
  }

  @Test
  void eachRoleImpliesTheOnesBeforeIt() {
    assertThat(ApiRoles.implied("reader")).containsExactly("reader");
    assertThat(ApiRoles.implied(" Writer ")).containsExactly("reader", "writer");
    assertThat(ApiRoles.implied("admin")).containsExactly("reader", "writer", "admin");
    assertThatThrownBy(() -> ApiRoles.implied("root"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown role 'root' (one of reader, writer, admin)");
  }

  @Test
  void readAccessIsOpenOrAuthenticated() {
    assertThat(ReadAccessRule.isOpen("open")).isTrue();
    assertThat(ReadAccessRule.isOpen(" Authenticated")).isFalse();
    assertThatThrownBy(() -> ReadAccessRule.isOpen("closed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conclave.security.read-access is 'closed'");
  }

  private static void assertBad(String config, String message) {
    assertThatThrownBy(() -> ApiTokens.parse(List.of(config)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain(CI)
                    .doesNotContain(OPS)
                    .doesNotContain("short-secret"));
  }
}
