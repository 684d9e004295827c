package io.conclave.projections.http;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where the other projections instances reach this instance's HTTP API: Kafka Streams publishes it
 * to the group as {@code application.server}, and an instance asked for a key another holds
 * forwards the request there.
 *
 * <p>The host is {@code conclave.http.advertised-host}, else the host the HTTP server binds unless
 * that is every interface ({@code 0.0.0.0}, {@code ::}, or none given), else this machine's name.
 * The port is {@code conclave.http.advertised-port}, else the port the server bound, which is known
 * only once it has started ({@code micronaut.server.port: -1} picks a free one then). Immutable.
 *
 * @param host the advertised host
 * @param port the advertised port, if configured; otherwise the bound one ({@link #at})
 */
public record AdvertisedAddress(String host, OptionalInt port) {
  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");

  public AdvertisedAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("the advertised host must not be blank");
    }
    Objects.requireNonNull(port, "port");
    port.ifPresent(AdvertisedAddress::checkPort);
  }

  /**
   * From the configuration; each of the first three may be null (not configured).
   *
   * @param localHostName this machine's name, asked only if needed
   * @throws IllegalArgumentException if the advertised port is not a port
   */
  public static AdvertisedAddress of(
      String advertisedHost,
      Integer advertisedPort,
      String serverHost,
      Supplier<String> localHostName) {
    String host;
    if (advertisedHost != null && !advertisedHost.isBlank()) {
      host = advertisedHost.trim();
    } else if (serverHost != null
        && !serverHost.isBlank()
        && !WILDCARDS.contains(serverHost.trim())) {
      host = serverHost.trim();
    } else {
      host = localHostName.get();
    }
    return new AdvertisedAddress(
        host, advertisedPort == null ? OptionalInt.empty() : OptionalInt.of(advertisedPort));
  }

  /** The address, given the port the HTTP server bound. */
  public HostInfo at(int boundPort) {
    return new HostInfo(host, port.orElseGet(() -> checkPort(boundPort)));
  }

  /**
   * {@code host:port}, an IPv6 host in brackets: the form of {@code application.server} and of
   * URLs.
   */
  public static String endpoint(HostInfo address) {
    String host = address.host();
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
        + ":"
        + address.port();
  }

  private static int checkPort(int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("the advertised port must be 1 to 65535, was " + port);
    }
    return port;
  }
}
