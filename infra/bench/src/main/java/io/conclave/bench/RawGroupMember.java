package io.conclave.bench;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.security.ClientConfigs;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The raw-Kafka baseline of the failover benchmark: a bare consumer-group member with Conclave's
 * group timings that prints {@code ASSIGNED <epoch millis>} when it is given a partition. No
 * transactions, no state: what Kafka alone costs for a handover.
 */
public final class RawGroupMember {
  private RawGroupMember() {}

  public static void main(String[] args) throws InterruptedException {
    ConclaveSettings settings = ConclaveSettings.fromEnvironment();
    String topic = args[0];
    Map<String, Object> config = ClientConfigs.consumer(settings.kafka(), args[1]);
    config.putAll(settings.groups().consumerConfig());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  consumer.wakeup();
                  try {
                    closed.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              System.out.println("ASSIGNED " + System.currentTimeMillis());
            }
          }
        });
    try {
      while (true) {
        consumer.poll(Duration.ofMillis(200));
      }
    } catch (WakeupException e) {
      consumer.close(); // leaves the group, as a Conclave member does
    } finally {
      closed.countDown();
    }
  }
}
