package io.quantpipe.flink.record;

import io.quantpipe.drift.DriftReport;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes drifted windows to the drift topic as {@link DriftReport#toJson()}, keyed by codebook version. */
public final class DriftReportSerializer implements KafkaRecordSerializationSchema<DriftReport> {
  private final String topic;

  public DriftReportSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DriftReport r, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, Integer.toString(r.codebookVersion()).getBytes(StandardCharsets.UTF_8),
        r.toJson().getBytes(StandardCharsets.UTF_8));
  }
}
