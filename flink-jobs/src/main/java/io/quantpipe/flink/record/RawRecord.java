package io.quantpipe.flink.record;

/**
 * One Kafka record as consumed, bytes untouched: what a dead letter must carry back.
 *
 * @param topic the topic it was read from
 * @param partition its Kafka partition
 * @param offset its offset
 * @param timestamp its Kafka timestamp, ms since the epoch (producer or broker time)
 * @param key the key bytes, or {@code null}
 * @param value the value bytes, or {@code null} (a tombstone)
 */
public record RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
  /** {@code topic-partition@offset}, for messages and dead-letter headers. */
  public String coordinates() {
    return topic + "-" + partition + "@" + offset;
  }
}
