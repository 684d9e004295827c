package io.conclave.projections.http;

import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where a query for one key of a partitioned store (a knowledge key, a task) is answered: here, by
 * the instance holding the key's partition, or nowhere for now. Immutable.
 */
public sealed interface QueryRoute {
  /** This instance holds the key's partition (active): answer from the local store. */
  record Local(int partition) implements QueryRoute {}

  /** Another instance holds it: forward the request there, marked as forwarded. */
  record Forward(HostInfo owner, int partition) implements QueryRoute {}

  /** No instance can answer for the key now: 503, retry. */
  record Unavailable(String reason) implements QueryRoute {}

  /**
   * The route of a query for one key.
   *
   * @param what the key as the answer names it, e.g. {@code knowledge key 'team.facts'}
   * @param metadata where Kafka Streams says the key's partition is
   * @param self this instance's address, as the group knows it
   * @param forwarded whether the query was forwarded by another instance, which thought this one
   *     holds the key: it is then answered here or not at all, never forwarded again (the
   *     instances' metadata disagree only while the group rebalances, and a second hop could go
   *     round in circles)
   */
  static QueryRoute of(String what, KeyQueryMetadata metadata, HostInfo self, boolean forwarded) {
    if (metadata == null
        || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
        || metadata.activeHost() == null
        || HostInfo.unavailable().equals(metadata.activeHost())) {
      return new Unavailable(
          "no projections instance holds the partition of "
              + what
              + " now (the group is rebalancing); retry shortly");
    }
    if (metadata.activeHost().equals(self)) {
      return new Local(metadata.partition());
    }
    if (forwarded) {
      return new Unavailable(
          "this instance ("
              + AdvertisedAddress.endpoint(self)
              + ") no longer holds partition "
              + metadata.partition()
              + " of "
              + what
              + "; "
              + AdvertisedAddress.endpoint(metadata.activeHost())
              + " does now (the group is rebalancing); retry shortly");
    }
    return new Forward(metadata.activeHost(), metadata.partition());
  }

  /**
   * The answer along this route: read from this instance's partition, or asked of the owner, or
   * {@link ProjectionUnavailableException} (503) for {@link Unavailable}.
   */
  default <R> R answer(IntFunction<R> local, Function<Forward, R> forward) {
    if (this instanceof Local here) {
      return local.apply(here.partition());
    }
    if (this instanceof Forward there) {
      return forward.apply(there);
    }
    throw new ProjectionUnavailableException(((Unavailable) this).reason(), null);
  }
}
