package io.quantpipe.flink.record;

import io.quantpipe.stream.EncodedRecord;
import io.quantpipe.stream.EncodedRecordJson;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link EncodedRecord}s to the output topic as {@link EncodedRecordJson}, keyed by id, with
 * the input record's timestamp (so consumers can measure end-to-end latency). Stateless.
 */
public final class EncodedRecordSerializer implements KafkaRecordSerializationSchema<EncodedRecord> {
  private final String topic;

  public EncodedRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(EncodedRecord r, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, null, r.ingestTimestamp(), EncodedRecordJson.key(r.id()),
        EncodedRecordJson.toBytes(r));
  }
}
