package io.conclave.runtime.process;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * How a Conclave process names itself to operators: in leadership announcements and breaker
 * reports.
 */
public final class ProcessIds {
  private ProcessIds() {}

  /** This machine's host name, or {@code localhost} if it has none it can resolve. */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** This process: {@code host-pid}. */
  public static String processId() {
    return hostName() + "-" + ProcessHandle.current().pid();
  }
}
