package io.conclave.launcher.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kafka image of deploy/docker starts as Testcontainers' {@link KafkaContainer}, as the
 * official apache/kafka image does: the container test's broker can be had the usual Testcontainers
 * way. Testcontainers talks to podman through its Docker-compatible socket ({@code
 * DOCKER_HOST=unix:///run/podman/podman.sock}, {@code TESTCONTAINERS_RYUK_DISABLED=true}); the
 * container gets podman's bridge network, since KafkaContainer publishes its port.
 */
class KafkaImageIT {
  @Test
  void theKafkaImageRunsAsTestcontainersKafkaContainer() throws Exception {
    Podman.assumeAvailable();
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      String why = "Testcontainers finds no Docker API (DOCKER_HOST names podman's socket)";
      if ("required".equals(System.getenv("CONCLAVE_CONTAINER_TESTS"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    Podman.buildImages();

    DockerImageName image =
        DockerImageName.parse(Podman.KAFKA_IMAGE).asCompatibleSubstituteFor("apache/kafka");
    try (KafkaContainer kafka = new KafkaContainer(image).withNetworkMode("bridge")) {
      kafka.start();
      String bootstrap = kafka.getBootstrapServers();

      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic("image-check", 1, (short) 1))).all().get();
      }
      Properties producer = new Properties();
      producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
        p.send(new ProducerRecord<>("image-check", "k", "through the image")).get();
      }
      Properties consumer = new Properties();
      consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "image-check");
      consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
        c.subscribe(List.of("image-check"));
        List<String> values = new java.util.ArrayList<>();
        long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (values.isEmpty() && System.nanoTime() < until) {
          for (ConsumerRecord<String, String> r : c.poll(Duration.ofSeconds(1))) {
            values.add(r.value());
          }
        }
        assertThat(values).containsExactly("through the image");
      }
    }
  }
}
