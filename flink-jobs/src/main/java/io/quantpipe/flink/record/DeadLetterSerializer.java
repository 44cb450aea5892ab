package io.quantpipe.flink.record;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes {@link DeadLetter}s to the dead-letter topic: the original key and value bytes unchanged,
 * and two headers, {@value #REASON} (what was wrong) and {@value #SOURCE} ({@code topic-partition@offset}
 * of the original). Stateless.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  public static final String REASON = "quantpipe.reason";
  public static final String SOURCE = "quantpipe.source";
  private final String topic;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(REASON, d.reason().getBytes(StandardCharsets.UTF_8));
    headers.add(SOURCE, d.source().coordinates().getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topic, null, d.source().timestamp(), d.source().key(), d.source().value(), headers);
  }
}
