package io.conclave.bench;

import io.conclave.model.cluster.LeaderElected;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.schemas.ConclaveSerdes;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The shard leaders as {@code conclave.leadership} tells them: the latest {@code LeaderElected} of
 * each shard.
 */
final class Leaders {
  private final ConclaveSettings settings;
  private final Deserializer<LeaderElected> reader;

  Leaders(ConclaveSettings settings) {
    this.settings = settings;
    this.reader = new ConclaveSerdes(settings.registry()).leaderElected().deserializer();
  }

  /**
   * Each shard's latest election so far, by shard (a shard never led is absent); reads the whole
   * topic.
   */
  Map<Integer, LeaderElected> latest() {
    String topic = settings.topics().leadership();
    Map<Integer, LeaderElected> latest = new TreeMap<>();
    TopicScan.scan(
        settings.kafka(),
        new TopicPartition(topic, 0),
        0,
        -1,
        r -> {
          if (r.value() != null) {
            LeaderElected e = reader.deserialize(topic, r.value());
            latest.merge(e.shard(), e, (a, b) -> b.epoch() >= a.epoch() ? b : a);
          }
        });
    return latest;
  }
}
