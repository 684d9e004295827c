package io.conclave.projections.runtime;

import io.conclave.projections.http.FanOut;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.QueryRoute;
import io.conclave.projections.http.Served;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the projection stores over every projections instance of the group, for the features'
 * queries. Every store is partitioned like its topic, and the group spreads the partitions over the
 * instances: a value is answered by the instance holding its key's partition (this one from its
 * store, another by asking it on {@code /peers}), a listing by asking every instance for its
 * partitions and merging the pages. It answers the whole truth or {@link
 * ProjectionUnavailableException} (503). Thread-safe.
 */
@Singleton
public class StoreReads {
  /**
   * Tasks are keyed by task id on conclave.tasks, saga events partitioned by it, decisions by agent
   * id ({@code Partitioning}) and the tenants' ledger by tenant: the partition a string key would
   * have.
   */
  private static final Serializer<String> KEYS = new StringSerializer();

  private final ProjectionRuntime runtime;
  private final PeerHttp peers;
  private final JsonMapper json;

  StoreReads(ProjectionRuntime runtime, PeerHttp peers, JsonMapper json) {
    this.runtime = runtime;
    this.peers = peers;
    this.json = json;
  }

  /**
   * Where the value of string {@code key} of {@code store} is read: this instance's partition or
   * its holder.
   *
   * @param forwarded whether another instance asked this one: then it is answered from this
   *     instance's partition or 503, never asked of another (see {@link QueryRoute#of})
   */
  public QueryRoute route(String what, String store, String key, boolean forwarded) {
    HostInfo self = runtime.requireSelf();
    return QueryRoute.of(what, runtime.keyMetadata(store, key, KEYS), self, forwarded);
  }

  /**
   * One value of a store keyed (and partitioned) by a string: from this instance's partition or its
   * holder's, which is asked {@code GET <peerPath><key>}. {@code forwarded} as in {@link #route}.
   */
  public <V> Optional<V> byKey(
      String what, String store, String key, boolean forwarded, String peerPath, Class<V> type) {
    HostInfo self = runtime.requireSelf();
    QueryRoute route = QueryRoute.of(what, runtime.keyMetadata(store, key, KEYS), self, forwarded);
    return route.answer(
        partition ->
            Optional.ofNullable(this.<String, V, V>read(store, partition, s -> s.get(key))),
        forward ->
            value(
                peers.get(self, forward.owner(), peerPath + PeerHttp.pathSegment(key)),
                Argument.of(type)));
  }

  /** Asks the instance holding a key ({@link QueryRoute.Forward#owner()}) {@code GET path}. */
  public PeerHttp.Answer ask(HostInfo owner, String path) {
    return peers.get(runtime.requireSelf(), owner, path);
  }

  /**
   * A peer's answer to {@code GET /peers/...}: 200 the value, 404 none, otherwise {@link
   * PeerHttp.Answer#failure}.
   */
  public <V> Optional<V> value(PeerHttp.Answer answer, Argument<V> type) {
    if (answer.status() == 404) {
      return Optional.empty();
    }
    if (answer.status() != 200) {
      throw answer.failure();
    }
    try {
      return Optional.of(json.readValue(answer.body(), type));
    } catch (IOException | RuntimeException e) {
      throw answer.unreadable(
          new IllegalArgumentException("not " + type.getTypeString(true) + ": " + e.getMessage()));
    }
  }

  /**
   * A listing over every instance: the pages of each instance's partitions of {@code topic} in
   * {@code store}, this instance's from {@code local}, the others' by {@code GET peerPath}.
   *
   * @param what names the listing in the answers (503) when some partition cannot be read
   * @throws ProjectionUnavailableException if some partition cannot be read now (see {@link
   *     FanOut})
   */
  public <P> List<P> gather(
      String what,
      String store,
      String topic,
      String peerPath,
      Argument<P> type,
      Supplier<Served<P>> local) {
    HostInfo self = runtime.requireSelf();
    return FanOut.gather(
        what,
        self,
        runtime.activePartitionsByHost(store, topic),
        host -> peers.getAsync(self, host, peerPath).thenApply(answer -> page(answer, type)),
        local);
  }

  /**
   * A peer's part of a listing: 200 its page and the partitions it read, otherwise {@link
   * PeerHttp.Answer#failure}.
   */
  private <P> Served<P> page(PeerHttp.Answer answer, Argument<P> type) {
    if (answer.status() != 200) {
      throw answer.failure();
    }
    P page = value(answer, type).orElseThrow();
    try {
      return new Served<>(page, answer.partitionsRead());
    } catch (IllegalArgumentException e) {
      throw answer.unreadable(e);
    }
  }

  /**
   * The partitions of {@code topic} this instance holds now (active): see {@link
   * ProjectionRuntime}.
   */
  public Set<Integer> localActivePartitions(String topic) {
    return runtime.localActivePartitions(topic);
  }

  /** Reads the store over every partition this instance holds. */
  public <K, V, R> R read(String storeName, Function<ReadOnlyKeyValueStore<K, V>, R> query) {
    return read(runtime.store(storeName, QueryableStoreTypes.<K, V>keyValueStore()), query);
  }

  /** Reads one partition of the store, which this instance must hold (active). */
  public <K, V, R> R read(
      String storeName, int partition, Function<ReadOnlyKeyValueStore<K, V>, R> query) {
    return read(
        runtime.store(storeName, QueryableStoreTypes.<K, V>keyValueStore(), partition), query);
  }

  private static <K, V, R> R read(
      ReadOnlyKeyValueStore<K, V> store, Function<ReadOnlyKeyValueStore<K, V>, R> query) {
    try {
      return query.apply(store);
    } catch (InvalidStateStoreException e) {
      // the instance closed or lost the partition while the query ran
      throw new ProjectionUnavailableException(
          "the projections are rebalancing or rebuilding; retry shortly", e);
    }
  }
}
