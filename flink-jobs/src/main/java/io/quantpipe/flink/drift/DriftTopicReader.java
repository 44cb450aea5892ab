package io.quantpipe.flink.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Finds a drift event for one codebook version on the stream job's drift topic
 * ({@link io.quantpipe.drift.DriftReport#toJson}): reads every partition from the version's
 * publish time up to the end offsets seen at the start, with no consumer group (nothing is
 * committed, so every check sees the whole history). Read-committed, as the job writes
 * transactionally. Not thread-safe; one call per instance.
 */
final class DriftTopicReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Properties props = new Properties();
  private final String topic;

  DriftTopicReader(String bootstrapServers, String topic) {
    this.topic = topic;
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // a misspelt topic is an error, not a new topic
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000"); // an unreachable broker fails the check
  }

  /**
   * The first drifted report of {@code version} published at or after {@code sinceMillis}.
   *
   * @return its reason, or empty when there is none
   */
  Optional<String> firstDrift(int version, long sinceMillis) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> parts = new ArrayList<>();
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
      if (infos != null) {
        infos.forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      }
      if (parts.isEmpty()) {
        throw new IllegalStateException("Drift topic '" + topic + "' does not exist");
      }
      consumer.assign(parts);
      Map<TopicPartition, Long> times = new HashMap<>();
      parts.forEach(p -> times.put(p, sinceMillis));
      Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(times);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      List<TopicPartition> open = new ArrayList<>();
      for (TopicPartition p : parts) {
        OffsetAndTimestamp s = start.get(p);
        long from = s == null ? end.get(p) : s.offset();
        consumer.seek(p, from);
        if (from < end.get(p)) {
          open.add(p);
        }
      }
      while (!open.isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          Optional<String> reason = drifted(r.value(), version);
          if (reason.isPresent()) {
            return reason;
          }
        }
        open.removeIf(p -> consumer.position(p) >= end.get(p));
      }
      return Optional.empty();
    }
  }

  /** A drifted report of {@code version}, or empty (another version, not drifted, or not a report). */
  static Optional<String> drifted(byte[] value, int version) {
    JsonNode n;
    try {
      n = JSON.readTree(value);
    } catch (java.io.IOException e) {
      return Optional.empty(); // the topic is the job's; a stray record is no reason to retrain
    }
    if (n != null && n.path("drifted").asBoolean(false) && n.path("codebook_version").asInt(-1) == version) {
      return Optional.of(n.path("reason").asText("drifted"));
    }
    return Optional.empty();
  }
}
