package io.conclave.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirTest {
  @TempDir Path dir;

  @Test
  void thePortsChosenOnTheFirstRunAreTakenAgainOnTheNext() {
    // Given
    DataDir.Ports first = new DataDir(dir.resolve(".conclave")).ports();

    // When
    DataDir.Ports again = new DataDir(dir.resolve(".conclave")).ports();

    // Then
    assertThat(again).isEqualTo(first);
    assertThat(dir.resolve(".conclave").resolve(DataDir.PORTS_FILE)).exists();
  }

  @Test
  void aKeptPortInUseIsRefusedWithTheReason() throws Exception {
    // Given
    DataDir data = new DataDir(dir.resolve(".conclave"));
    DataDir.Ports ports = data.ports();

    // When: another process listens on the broker's port
    try (ServerSocket taken =
        new ServerSocket(ports.broker(), 1, InetAddress.getLoopbackAddress())) {
      // Then
      assertThatThrownBy(data::ports)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port " + ports.broker())
          .hasMessageContaining("--fresh");
    }
  }

  @Test
  void freshDeletesEverythingButNotUnderARunningBroker() throws Exception {
    // Given: data of an earlier run, with the broker's lock file
    DataDir data = new DataDir(dir.resolve(".conclave"));
    data.ports();
    Path logs = Files.createDirectories(data.kafka().resolve("logs"));
    Path lock = Files.createFile(logs.resolve(".lock"));

    // When a broker holds the lock (here: this JVM), then once it is gone
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
        var held = channel.lock()) {
      assertThatThrownBy(data::delete).isInstanceOf(IllegalStateException.class);
    }
    assertThat(data.path()).exists();
    data.delete();

    // Then
    assertThat(data.path()).doesNotExist();
  }
}
