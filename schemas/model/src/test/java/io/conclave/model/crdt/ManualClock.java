package io.conclave.model.crdt;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A physical clock the test moves by hand, forwards or back. Not thread-safe. */
final class ManualClock extends Clock {
  private long millis;

  ManualClock(long millis) {
    this.millis = millis;
  }

  void advance(long byMillis) {
    millis += byMillis;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a manual clock is in UTC");
  }
}
