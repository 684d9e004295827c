package io.conclave.projections.knowledge;

import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ReadAccess;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.KnowledgeSettings;
import io.conclave.projections.runtime.PeerHttp;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The agents' shared knowledge: each key's merged CRDT state, now or as it was at a time, and
 * listings by prefix ({@link KnowledgeJson} shows the JSON). Any instance answers for any key: the
 * one holding the key's partition reads its store, another forwards the request there ({@link
 * KnowledgeQueries}). While that cannot be done (the group rebalances, a store restores, the owner
 * is unreachable, the projections rebuild) the answer is 503 with {@code Retry-After}, never a
 * stale or partial one.
 */
@ReadAccess
@Controller("/knowledge")
@ExecuteOn(TaskExecutors.BLOCKING)
class KnowledgeController {
  private final KnowledgeQueries queries;
  private final Duration retention;
  private final Clock clock;

  @Inject
  KnowledgeController(KnowledgeQueries queries, KnowledgeSettings settings) {
    this(queries, settings, Clock.systemUTC());
  }

  KnowledgeController(KnowledgeQueries queries, KnowledgeSettings settings, Clock clock) {
    this.queries = queries;
    this.retention = settings.historyRetention();
    this.clock = clock;
  }

  /**
   * The merged state of a knowledge key, now or as of a time. 200 with the entry; 404 if no delta
   * of the key was merged; 400 if the key is not a knowledge key. With {@code at} (an ISO-8601
   * instant or milliseconds since the epoch), the state as of that time, the merge of the deltas
   * made at or before it: 404 if there were none; 400 if {@code at} is unreadable or older than the
   * history retention before now.
   */
  @Get(uri = "/{key}", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> get(
      String key,
      @Nullable @QueryValue String at,
      @Nullable @Header(PeerHttp.FORWARDED) String forwardedBy) {
    KnowledgeDelta.key(key);
    Optional<Instant> asOf = KnowledgeAsOf.parse(at, clock.instant(), retention);
    KnowledgeEntry entry =
        queries
            .get(key, asOf, forwardedBy != null)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        asOf.map(
                                t ->
                                    "knowledge key '"
                                        + key
                                        + "' had no delta made at or before "
                                        + t)
                            .orElse("no delta of knowledge key '" + key + "' was merged")));
    return HttpResponse.ok(KnowledgeJson.render(entry))
        .contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  /**
   * The knowledge keys starting with a prefix, in key order. Those starting with {@code prefix}
   * (default: all), at most {@code limit} (default 100, 1 to 1000): {@code {"entries": [...],
   * "truncated": bool}}; 400 for a prefix that no key can start with or a bad limit.
   */
  @Get(produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> list(
      @Nullable @QueryValue String prefix,
      @Nullable @QueryValue String limit,
      @Nullable @Header(PeerHttp.FORWARDED) String forwardedBy) {
    KnowledgeListing listing = KnowledgeListing.parse(prefix, limit);
    if (forwardedBy != null) {
      // another instance fans out: this one's partitions only, and which they are, for it to check
      Served<KnowledgePage> served = queries.localPage(listing);
      return HttpResponse.ok(KnowledgeJson.render(served.page()))
          .contentType(MediaType.APPLICATION_JSON_TYPE)
          .header(PeerHttp.PARTITIONS, PeerHttp.partitionsHeader(served.partitions()));
    }
    return HttpResponse.ok(KnowledgeJson.render(queries.list(listing)))
        .contentType(MediaType.APPLICATION_JSON_TYPE);
  }
}
