package io.conclave.runtime.loop;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Creates the Kafka clients of a {@link TransactionalPartitionLoop} from the configuration the loop
 * computed: {@link #KAFKA} in production, Kafka's {@code MockConsumer} and {@code MockProducer} in
 * unit tests.
 */
public interface LoopClients {
  /** The loop's consumer (byte-array keys and values), given its full configuration. */
  Consumer<byte[], byte[]> consumer(Map<String, Object> config);

  /** A transactional producer (byte-array keys and values), given its full configuration. */
  Producer<byte[], byte[]> producer(Map<String, Object> config);

  /** Real clients talking to the brokers the configuration names. */
  LoopClients KAFKA =
      new LoopClients() {
        @Override
        public Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
          return new KafkaConsumer<>(config);
        }

        @Override
        public Producer<byte[], byte[]> producer(Map<String, Object> config) {
          return new KafkaProducer<>(config);
        }
      };
}
