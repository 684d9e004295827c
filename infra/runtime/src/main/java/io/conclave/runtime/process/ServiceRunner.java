package io.conclave.runtime.process;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a service's process alive until it is told to stop: SIGTERM/SIGINT (shutdown hook), or the
 * death of the launcher that started it ({@code -Dconclave.parent-pid}), so that a crashed launcher
 * leaves no orphans.
 */
public final class ServiceRunner {
  private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

  private ServiceRunner() {}

  /**
   * Blocks until the process is told to stop, then closes {@code service}. If {@code failed}
   * completes exceptionally (the service broke down), the process exits with status 1 so that its
   * supervisor restarts it.
   */
  public static void runUntilStopped(
      String name, AutoCloseable service, CompletableFuture<?> failed) {
    failed.whenComplete(
        (ok, e) -> {
          if (e != null) {
            log.error("{} failed ({}); exiting so that it is restarted", name, e.toString());
            System.exit(1);
          }
        });
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  close(name, service);
                  done.countDown();
                },
                name + "-shutdown"));
    exitWithLauncher(name);
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * If this process was started by a launcher ({@code -Dconclave.parent-pid}), exit when that
   * launcher is gone (the shutdown hooks still run).
   */
  public static void exitWithLauncher(String name) {
    String parent = System.getProperty("conclave.parent-pid");
    if (parent == null) {
      return;
    }
    long pid = Long.parseLong(parent);
    var watcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name + "-launcher-watch");
              t.setDaemon(true);
              return t;
            });
    watcher.scheduleAtFixedRate(
        () -> {
          if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            log.warn("{}: launcher {} is gone, stopping", name, pid);
            System.exit(0);
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
  }

  private static void close(String name, AutoCloseable service) {
    try {
      service.close();
      log.info("{} stopped", name);
    } catch (Exception e) {
      log.warn("{} did not stop cleanly: {}", name, e.toString());
    }
  }
}
