package io.conclave.model.saga;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a shard leader needs to continue its shard, as of an offset of the shard's saga events: the
 * sagas running then (their events), the tasks whose sagas ended within the retention (the
 * de-duplication index), and what ended sagas spent of each tenant's budget. A take-over folds the
 * latest checkpoint and then the events after its offset, so it reads the live sagas and a tail,
 * never the shard's whole history. Written in parts, each small enough for one Kafka record ({@link
 * #split}); {@link #join} puts them together again. Immutable.
 *
 * @param epoch the epoch of the leader that wrote it
 * @param id its number on the shard: the parts of one checkpoint share it
 * @param part this part's index, from 0 (a whole checkpoint is part 0 of 1)
 * @param parts how many parts the checkpoint has
 * @param sagaEventsOffset the first offset of the shard's partition of conclave.saga-events it does
 *     not cover
 * @param tenantSpent per tenant with a budget, the tokens the shard's ended sagas spent
 * @param live the events of the sagas running at the checkpoint, each saga's in the order folded
 * @param ended the tasks whose sagas ended within the retention, oldest first
 */
public record ShardCheckpoint(
    int shard,
    long epoch,
    long id,
    int part,
    int parts,
    Instant at,
    long sagaEventsOffset,
    Map<String, Long> tenantSpent,
    List<SagaEvent> live,
    List<Ended> ended) {
  /** A task whose saga ended, and when. */
  public record Ended(String taskId, Instant endedAt) {
    public Ended {
      Require.text(taskId, "taskId");
      Require.present(endedAt, "endedAt");
    }
  }

  public ShardCheckpoint {
    Require.notNegative(shard, "shard");
    Require.notNegative(id, "id");
    Require.notNegative(part, "part");
    if (parts < 1 || part >= parts) {
      throw new IllegalArgumentException("part " + part + " of " + parts + " parts");
    }
    Require.present(at, "at");
    Require.notNegative(sagaEventsOffset, "sagaEventsOffset");
    tenantSpent = Map.copyOf(Require.present(tenantSpent, "tenantSpent"));
    live = List.copyOf(Require.present(live, "live"));
    ended = List.copyOf(Require.present(ended, "ended"));
  }

  /** A whole checkpoint (one part). */
  public static ShardCheckpoint whole(
      int shard,
      long epoch,
      long id,
      Instant at,
      long sagaEventsOffset,
      Map<String, Long> tenantSpent,
      List<SagaEvent> live,
      List<Ended> ended) {
    return new ShardCheckpoint(
        shard, epoch, id, 0, 1, at, sagaEventsOffset, tenantSpent, live, ended);
  }

  /**
   * This whole checkpoint in parts of about {@code maxBytes} each at most (an event larger than
   * that has a part of its own): the live events first, then the ended tasks, in order.
   *
   * @throws IllegalStateException if this is not a whole checkpoint
   */
  public List<ShardCheckpoint> split(int maxBytes) {
    if (parts != 1) {
      throw new IllegalStateException(
          "only a whole checkpoint is split, this is part " + part + " of " + parts);
    }
    // the live events, then the ended tasks, each with its size, packed in order into parts of at
    // most maxBytes
    List<Object> items = new ArrayList<>(live);
    items.addAll(ended);
    List<List<Object>> packed = new ArrayList<>();
    List<Object> current = new ArrayList<>();
    long size = 0;
    for (Object item : items) {
      long bytes =
          item instanceof SagaEvent e
              ? approximateBytes(e)
              : ((Ended) item).taskId().length() + 16L;
      if (size > 0 && size + bytes > maxBytes) {
        packed.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(item);
      size += bytes;
    }
    packed.add(current);
    List<List<SagaEvent>> liveParts = new ArrayList<>();
    List<List<Ended>> endedParts = new ArrayList<>();
    for (List<Object> part : packed) {
      liveParts.add(
          part.stream().filter(SagaEvent.class::isInstance).map(SagaEvent.class::cast).toList());
      endedParts.add(part.stream().filter(Ended.class::isInstance).map(Ended.class::cast).toList());
    }
    int n = liveParts.size();
    List<ShardCheckpoint> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(
          new ShardCheckpoint(
              shard,
              epoch,
              id,
              i,
              n,
              at,
              sagaEventsOffset,
              i == 0 ? tenantSpent : Map.of(),
              liveParts.get(i),
              endedParts.get(i)));
    }
    return out;
  }

  /**
   * An event's size on the wire, about: its text is longer than its Avro encoding, never shorter.
   */
  private static long approximateBytes(SagaEvent e) {
    return e.toString().length();
  }

  /**
   * The whole checkpoint the parts were split from.
   *
   * @throws IllegalArgumentException if they are not every part of one checkpoint
   */
  public static ShardCheckpoint join(List<ShardCheckpoint> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no parts to join");
    }
    ShardCheckpoint first = parts.get(0);
    Map<Integer, ShardCheckpoint> byIndex = new TreeMap<>();
    for (ShardCheckpoint p : parts) {
      if (p.shard != first.shard || p.id != first.id || p.parts != first.parts) {
        throw new IllegalArgumentException(
            "parts of different checkpoints: shard "
                + p.shard
                + " id "
                + p.id
                + " and shard "
                + first.shard
                + " id "
                + first.id);
      }
      byIndex.put(p.part, p);
    }
    if (byIndex.size() != first.parts) {
      throw new IllegalArgumentException(
          "checkpoint "
              + first.id
              + " of shard "
              + first.shard
              + " has "
              + byIndex.size()
              + " of its "
              + first.parts
              + " parts");
    }
    Map<String, Long> spent = new HashMap<>();
    List<SagaEvent> live = new ArrayList<>();
    List<Ended> ended = new ArrayList<>();
    byIndex.values().stream()
        .sorted(Comparator.comparingInt(ShardCheckpoint::part))
        .forEach(
            p -> {
              spent.putAll(p.tenantSpent);
              live.addAll(p.live);
              ended.addAll(p.ended);
            });
    return whole(
        first.shard, first.epoch, first.id, first.at, first.sagaEventsOffset, spent, live, ended);
  }
}
