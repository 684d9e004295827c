package io.conclave.runtime.security;

import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client settings Conclave's processes share, each from the {@link KafkaAccess} (bootstrap servers
 * and security) of the process; every map is a fresh copy the caller may extend.
 */
public final class ClientConfigs {
  private ClientConfigs() {}

  /**
   * A consumer of raw bytes that sees only committed transactions and commits nothing by itself.
   * Group members add their {@link io.conclave.runtime.config.GroupTimings}.
   */
  public static Map<String, Object> consumer(KafkaAccess kafka, String groupId) {
    Map<String, Object> c = kafka.clientProperties();
    if (groupId != null) {
      c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return c;
  }

  /** An idempotent producer of raw bytes that waits for all in-sync replicas. */
  public static Map<String, Object> producer(KafkaAccess kafka) {
    Map<String, Object> p = kafka.clientProperties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return p;
  }

  /**
   * A transactional producer; the id is stable per owned partition so a new owner fences the
   * previous one.
   */
  public static Map<String, Object> transactionalProducer(
      KafkaAccess kafka, String transactionalId) {
    Map<String, Object> p = producer(kafka);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    // an owner that dies mid-transaction blocks read_committed readers until this passes (or a new
    // owner fences it)
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    // initTransactions() of a new owner, and a transaction begun right after a commit, are answered
    // "retry" while the coordinator finishes the last one; the default first back-off (100 ms) was
    // most of a take-over's time. The back-off still grows exponentially to retry.backoff.max.ms (1
    // s) when a broker is really away.
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
    return p;
  }

  /** An admin client. */
  public static Map<String, Object> admin(KafkaAccess kafka) {
    return kafka.clientProperties();
  }

  /** An admin client that names itself and gives up on a call after {@code apiTimeoutMs}. */
  public static Map<String, Object> admin(
      KafkaAccess kafka, String clientId, int apiTimeoutMs, int requestTimeoutMs) {
    Map<String, Object> a = admin(kafka);
    a.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, apiTimeoutMs);
    a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
    return a;
  }
}
