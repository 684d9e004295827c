package io.conclave.model.crdt;

import java.time.Clock;

/**
 * One replica's hybrid logical clock: the source of the {@link Hlc} of its last-writer-wins writes.
 * Every timestamp it returns is after every timestamp it returned or was {@linkplain #update shown}
 * before, and not behind its physical clock; so a write stamped after merging a remote write wins
 * over it even if the remote clock runs ahead, and the clock never goes back when the physical one
 * does (NTP steps, a restart on another host).
 *
 * <p>Thread-safe. Physical time comes from the injected {@link Clock}; the state lives in memory,
 * so after a restart {@linkplain #update show} the clock the latest timestamp the replica wrote
 * before using it.
 */
public final class HybridClock {
  private final Clock physical;
  private Hlc last = Hlc.ZERO;

  public HybridClock(Clock physical) {
    this.physical = Checks.present(physical, "physical clock");
  }

  /**
   * A timestamp for a local write: after every earlier one of this clock, and at or after the
   * physical time.
   */
  public synchronized Hlc now() {
    return advancePast(last);
  }

  /**
   * Takes in a timestamp seen on a remote write (or on a state merged into the replica's view) and
   * returns a timestamp after it and after every earlier one of this clock, as {@link #now()} does.
   */
  public synchronized Hlc update(Hlc remote) {
    Checks.present(remote, "remote hlc");
    return advancePast(remote.compareTo(last) > 0 ? remote : last);
  }

  private Hlc advancePast(Hlc floor) {
    long millis = physical.millis();
    // a physical clock ahead of everything seen restarts the counter; otherwise the counter orders
    // within floor's ms
    last =
        millis > floor.millis()
            ? new Hlc(millis, 0)
            : new Hlc(floor.millis(), Math.incrementExact(floor.counter()));
    return last;
  }
}
