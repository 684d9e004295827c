package io.conclave.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} in a PKCS12 key store, and a trust store that
 * trusts it, made with the JDK's {@code keytool}: what a test broker's TLS listener and its clients
 * need.
 *
 * @param keystore the broker's key store
 * @param truststore the clients' trust store
 * @param password the password of both stores (a throwaway, for tests)
 */
public record TestCertificates(Path keystore, Path truststore, String password) {
  /** Makes the stores in a new directory below {@code parent}. */
  public static TestCertificates create(Path parent) {
    try {
      Files.createDirectories(parent);
      Path dir = Files.createTempDirectory(parent, "tls");
      String password = "test-store-password";
      Path keystore = dir.resolve("broker.p12");
      Path cert = dir.resolve("broker.crt");
      Path truststore = dir.resolve("truststore.p12");
      keytool(
          "-genkeypair",
          "-alias",
          "broker",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-validity",
          "2",
          "-dname",
          "CN=localhost",
          "-ext",
          "SAN=dns:localhost,ip:127.0.0.1",
          "-storetype",
          "PKCS12",
          "-keystore",
          keystore.toString(),
          "-storepass",
          password,
          "-keypass",
          password);
      keytool(
          "-exportcert",
          "-alias",
          "broker",
          "-keystore",
          keystore.toString(),
          "-storepass",
          password,
          "-file",
          cert.toString());
      keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "broker",
          "-file",
          cert.toString(),
          "-storetype",
          "PKCS12",
          "-keystore",
          truststore.toString(),
          "-storepass",
          password);
      return new TestCertificates(keystore, truststore, password);
    } catch (IOException e) {
      throw new IllegalStateException("could not make the test certificates: " + e.getMessage(), e);
    }
  }

  private static void keytool(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + output.trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while keytool ran", e);
    }
  }
}
