package io.conclave.runtime.service;

import io.conclave.runtime.loop.LoopClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Loop clients whose Kafka metrics are in {@code registry} ({@link KafkaClientMetrics}: {@code
 * kafka_consumer_*}, {@code kafka_producer_*}, tagged with the client id) while they are open: a
 * loop creates and closes producers as its partitions come and go, and a closed client's meters
 * leave with it. (micronaut-kafka measures only the clients its own factories create.)
 */
record MeteredLoopClients(LoopClients clients, MeterRegistry registry) implements LoopClients {
  MeteredLoopClients {
    Objects.requireNonNull(clients, "clients");
    Objects.requireNonNull(registry, "registry");
  }

  @Override
  @SuppressWarnings("unchecked")
  public Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
    Consumer<byte[], byte[]> consumer = clients.consumer(config);
    return measured(Consumer.class, consumer, new KafkaClientMetrics(consumer));
  }

  @Override
  @SuppressWarnings("unchecked")
  public Producer<byte[], byte[]> producer(Map<String, Object> config) {
    Producer<byte[], byte[]> producer = clients.producer(config);
    return measured(Producer.class, producer, new KafkaClientMetrics(producer));
  }

  /** {@code client}, whose {@code close} also removes its meters. */
  @SuppressWarnings("unchecked")
  private <T> T measured(Class<T> type, T client, KafkaClientMetrics metrics) {
    metrics.bindTo(registry);
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              try {
                return method.invoke(client, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              } finally {
                if (method.getName().equals("close")) {
                  metrics.close();
                }
              }
            });
  }
}
