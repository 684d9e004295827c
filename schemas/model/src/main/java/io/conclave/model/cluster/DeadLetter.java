package io.conclave.model.cluster;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record a consumer could not read or process, kept byte for byte with where it came from and
 * why, so that it can be inspected and re-driven after a fix.
 */
public record DeadLetter(
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    String errorClass,
    String errorMessage,
    byte[] key,
    byte[] value,
    Instant at) {
  public DeadLetter {
    Require.text(sourceTopic, "sourceTopic");
    Require.notNegative(sourcePartition, "sourcePartition");
    Require.notNegative(sourceOffset, "sourceOffset");
    Require.text(errorClass, "errorClass");
    errorMessage = errorMessage == null ? "" : errorMessage;
    key = key == null ? null : key.clone();
    value = value == null ? null : value.clone();
    Require.present(at, "at");
  }

  @Override
  public byte[] key() {
    return key == null ? null : key.clone();
  }

  @Override
  public byte[] value() {
    return value == null ? null : value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadLetter d
        && sourceTopic.equals(d.sourceTopic)
        && sourcePartition == d.sourcePartition
        && sourceOffset == d.sourceOffset
        && errorClass.equals(d.errorClass)
        && errorMessage.equals(d.errorMessage)
        && Arrays.equals(key, d.key)
        && Arrays.equals(value, d.value)
        && at.equals(d.at);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        sourceTopic,
        sourcePartition,
        sourceOffset,
        errorClass,
        errorMessage,
        Arrays.hashCode(key),
        Arrays.hashCode(value),
        at);
  }

  @Override
  public String toString() {
    return "DeadLetter["
        + sourceTopic
        + "-"
        + sourcePartition
        + "@"
        + sourceOffset
        + ", "
        + errorClass
        + ": "
        + errorMessage
        + "]";
  }
}
