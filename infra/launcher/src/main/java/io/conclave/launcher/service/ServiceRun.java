package io.conclave.launcher.service;

import io.conclave.launcher.cli.Endpoints;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * Runs one of Conclave's services in the CLI's process, in the foreground until the process is told
 * to stop (Ctrl-C, SIGTERM): through the service's own {@code main}, which reads its settings as it
 * always does (system properties over the environment), so the CLI wires nothing twice. The
 * service's shutdown hook stops it; the CLI's process ends with it.
 */
public final class ServiceRun {
  private ServiceRun() {}

  /**
   * Sets {@code settings} as system properties (a command's options: they win over the
   * environment), and those of a running {@code conclave dev} here that nothing else sets, then
   * runs {@code main} and waits for the process to be stopped. A service's main may return once it
   * started (an application framework keeps it alive) or only once it stopped: either way the
   * command waits, so that {@code conclave} does not exit under it.
   */
  public static int untilStopped(Map<String, String> settings, Consumer<String[]> main)
      throws InterruptedException {
    // a running conclave dev in this directory is the cluster by default, as for every command
    Endpoints.runningSettings()
        .forEach(
            (k, v) -> {
              if (System.getProperty(k) == null) {
                System.setProperty(k, v);
              }
            });
    settings.forEach(System::setProperty);
    main.accept(new String[0]);
    new CountDownLatch(1).await();
    return 0;
  }

  /** Sets {@code property} to {@code value} in {@code settings} when the option was given. */
  public static void putIfGiven(Map<String, String> settings, String property, Object value) {
    if (value != null) {
      settings.put(property, value.toString());
    }
  }
}
