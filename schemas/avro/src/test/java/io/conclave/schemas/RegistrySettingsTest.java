package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RegistrySettingsTest {
  @Test
  void theConfluentCompatibleApiSitsBesideTheV2One() {
    assertThat(
            new RegistrySettings("http://registry:8080/apis/registry/v2", false)
                .confluentCompatibleUrl())
        .isEqualTo("http://registry:8080/apis/ccompat/v7");
    assertThat(
            new RegistrySettings("https://r.example/base/apis/registry/v2/", false)
                .confluentCompatibleUrl())
        .isEqualTo("https://r.example/base/apis/ccompat/v7");
  }

  @Test
  void aUrlThatIsNotTheV2ApiHasNoKnownCcompatApi() {
    assertThatThrownBy(
            () -> new RegistrySettings("http://registry:8080/", false).confluentCompatibleUrl())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/apis/registry/v2");
  }
}
