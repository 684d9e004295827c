package io.conclave.testkit;

import java.io.IOException;

/**
 * POSIX signals for fault injection: a paused process keeps its sockets open but answers nothing,
 * which is what a hung or partitioned process looks like to its peers (unlike a killed one, whose
 * connections are refused at once).
 */
public final class Signals {
  private Signals() {}

  /** SIGSTOP: the process stops running until {@link #resume}. */
  public static void pause(ProcessHandle process) {
    send("STOP", process);
  }

  /** SIGCONT. */
  public static void resume(ProcessHandle process) {
    send("CONT", process);
  }

  private static void send(String signal, ProcessHandle process) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
              .inheritIO()
              .start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException(
            "kill -" + signal + " " + process.pid() + " exited with " + kill.exitValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not send SIG" + signal + " to " + process.pid() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal, e);
    }
  }
}
