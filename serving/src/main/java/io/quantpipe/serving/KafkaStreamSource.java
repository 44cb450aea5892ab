package io.quantpipe.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.stream.EncodedRecord;
import io.quantpipe.stream.EncodedRecordJson;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream job's output topic as a node's {@link StreamSource}: every partition read from its
 * beginning with {@code read_committed}, so only records of committed checkpoints, each exactly
 * once. The topic is keyed by id, so an id's records arrive in one partition, in order: the last
 * read is the latest. The node is not a consumer group member and commits no offsets (every node
 * reads everything); after a consumer failure it reconnects and resumes from the positions it
 * reached. Caught up: every partition read to its log-stable end as it was when the reader first
 * connected. The topic's retention bounds what a restart can rebuild: run it with
 * {@code cleanup.policy=compact} (the latest record per id survives) or a retention longer than the
 * rebuild cadence. Thread-safety as {@link StreamSource} says.
 */
final class KafkaStreamSource implements StreamSource {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaStreamSource.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long LAG_CHECK_MILLIS = 1000;

  private final ServeOptions options;
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private List<TopicPartition> partitions;
  private Map<TopicPartition, Long> catchUpTo;
  private long lastLagCheck;
  private volatile boolean caughtUp;
  private volatile long lag = -1;
  private volatile String problem;
  private volatile boolean closed;

  KafkaStreamSource(ServeOptions options) {
    this.options = options;
    this.problem = "connecting to " + options.streamBrokers();
  }

  @Override
  public Batch poll() {
    try {
      if (closed) {
        return Batch.EMPTY;
      }
      if (consumer == null) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties());
        consumer = c;
        partitions = assign(c);
      }
      Batch batch = parse(consumer.poll(POLL));
      for (TopicPartition tp : partitions) {
        positions.put(tp, consumer.position(tp));
      }
      if (System.currentTimeMillis() - lastLagCheck >= LAG_CHECK_MILLIS || !caughtUp) {
        lastLagCheck = System.currentTimeMillis();
        checkLag();
      }
      return batch;
    } catch (WakeupException e) {
      return Batch.EMPTY; // close() woke the reader
    } catch (KafkaException | IllegalStateException e) {
      closeConsumer();
      if (closed) {
        return Batch.EMPTY;
      }
      problem = "stream consumer failed: " + e.getMessage();
      throw e;
    }
  }

  private Batch parse(ConsumerRecords<byte[], byte[]> polled) {
    if (polled.isEmpty()) {
      return Batch.EMPTY;
    }
    List<EncodedRecord> records = new ArrayList<>(polled.count());
    List<String> malformed = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> rec : polled) {
      try {
        if (rec.value() == null) {
          throw new IOException("the value is null");
        }
        records.add(EncodedRecordJson.fromBytes(rec.value()));
      } catch (IOException e) {
        malformed.add(rec.topic() + "-" + rec.partition() + "@" + rec.offset() + ": " + e.getMessage());
      }
    }
    return new Batch(records, malformed);
  }

  /** Assigns every partition of the topic, waiting for it to exist; resumes from known positions. */
  private List<TopicPartition> assign(KafkaConsumer<byte[], byte[]> c) {
    long backoff = options.pollMillis();
    while (true) {
      List<PartitionInfo> infos;
      try {
        infos = c.partitionsFor(options.streamTopic(), Duration.ofSeconds(5));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        infos = null;
        problem = "cannot reach the brokers " + options.streamBrokers() + ": " + e.getMessage();
      }
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> assigned = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(assigned);
        for (TopicPartition tp : assigned) {
          Long at = positions.get(tp);
          if (at == null) {
            c.seekToBeginning(List.of(tp));
          } else {
            c.seek(tp, at);
          }
        }
        if (catchUpTo == null) {
          catchUpTo = c.endOffsets(assigned, Duration.ofSeconds(30));
          LOG.info("Reading stream topic {} ({} partitions) from the beginning; {} records to catch up", options.streamTopic(),
              assigned.size(), catchUpTo.values().stream().mapToLong(Long::longValue).sum());
        }
        problem = null;
        return assigned;
      }
      if (infos != null) {
        problem = "stream topic " + options.streamTopic() + " does not exist on " + options.streamBrokers();
      }
      LOG.warn("{}; retrying", problem);
      sleep(backoff);
      backoff = Math.min(options.retryMaxMillis(), backoff * 2);
      if (closed) {
        throw new WakeupException();
      }
    }
  }

  private void checkLag() {
    Map<TopicPartition, Long> ends;
    try {
      ends = consumer.endOffsets(partitions, Duration.ofSeconds(2));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      if (problem == null) {
        LOG.warn("Stream topic {}: the brokers {} do not answer; still serving the last state", options.streamTopic(),
            options.streamBrokers());
      }
      problem = "the brokers " + options.streamBrokers() + " do not answer: " + e.getMessage();
      return;
    }
    if (problem != null) {
      LOG.info("Stream topic {} readable again", options.streamTopic());
    }
    problem = null;
    long behind = 0;
    boolean reached = true;
    for (TopicPartition tp : partitions) {
      long at = positions.getOrDefault(tp, 0L);
      behind += Math.max(0, ends.getOrDefault(tp, at) - at);
      reached &= at >= catchUpTo.getOrDefault(tp, 0L);
    }
    lag = behind;
    caughtUp |= reached;
  }

  @Override
  public boolean readsInOrder() {
    return true;
  }

  @Override
  public boolean caughtUp() {
    return caughtUp;
  }

  @Override
  public long lag() {
    return lag;
  }

  @Override
  public String lagUnit() {
    return "records";
  }

  @Override
  public String problem() {
    return problem;
  }

  @Override
  public String name() {
    return "stream topic " + options.streamTopic() + " from " + options.streamBrokers();
  }

  @Override
  public void describe(ObjectNode out) {
    out.put("topic", options.streamTopic()).put("brokers", options.streamBrokers());
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.streamBrokers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "quantpipe-serve");
    p.putAll(options.kafkaConf());
    return p;
  }

  private void closeConsumer() {
    KafkaConsumer<byte[], byte[]> c = consumer;
    consumer = null;
    if (c != null) {
      try {
        c.close(Duration.ofSeconds(1));
      } catch (KafkaException | IllegalStateException ignored) {
        // closing a failed consumer: nothing to save
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void wakeup() {
    closed = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  @Override
  public void close() {
    closeConsumer();
  }
}
