package io.conclave.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.NoSuchFileException;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/** What the CLI says when a command fails. */
class ConclaveCliTest {
  @Test
  void aFailureSaysWhyThroughItsCausesInOneLine() {
    var e =
        new KafkaException(
            "Failed to create new KafkaAdminClient",
            new KafkaException(
                "Failed to load SSL keystore", new NoSuchFileException("/etc/conclave/ca.p12")));

    assertThat(ConclaveCli.failure(e))
        .isEqualTo(
            "Failed to create new KafkaAdminClient: Failed to load SSL keystore: "
                + "/etc/conclave/ca.p12");
    // a cause that only repeats the message adds nothing
    assertThat(
            ConclaveCli.failure(
                new IllegalStateException("no registry", new RuntimeException("no registry"))))
        .isEqualTo("no registry");
    assertThat(ConclaveCli.failure(new NullPointerException()))
        .isEqualTo("java.lang.NullPointerException");
  }
}
