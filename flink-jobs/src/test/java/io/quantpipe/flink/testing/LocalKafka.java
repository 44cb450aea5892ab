package io.quantpipe.flink.testing;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in this JVM (Kafka's {@code KafkaClusterTestKit}): one combined broker and
 * controller node (KRaft), with the internal topics sized for one node so transactions work; plus
 * the producer and read_committed consumer the stream demo and the tests need. For demos and
 * tests on one machine, not for production. Thread-safe as Kafka's clients are.
 */
public final class LocalKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  /** Starts the broker (about 1 to 6 s). */
  public LocalKafka() throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
        .setNumControllerNodes(1).build();
    cluster = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("transaction.state.log.num.partitions", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build();
    PrintStream stdout = System.out;
    System.setOut(System.err); // format() prints its banner to stdout, which belongs to the demo's table
    try {
      cluster.format();
    } finally {
      System.setOut(stdout);
    }
    cluster.startup();
    cluster.waitForReadyBrokers();
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public void createTopics(int partitions, String... names) throws Exception {
    createTopics(partitions, Map.of(), names);
  }

  /** Creates topics with the given topic-level settings ({@code message.timestamp.type}, ...). */
  public void createTopics(int partitions, Map<String, String> configs, String... names) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, partitions, (short) 1).configs(configs));
      }
      admin.createTopics(topics).all().get();
    }
  }

  public KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("acks", "all");
    return new KafkaProducer<>(p);
  }

  public void send(String topic, List<byte[]> values) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (byte[] v : values) {
        producer.send(new ProducerRecord<>(topic, null, v)).get();
      }
    }
  }

  /** A consumed record and when this process received it, ms since the epoch. */
  public record Received(ConsumerRecord<byte[], byte[]> record, long receivedMillis) {}

  /**
   * Everything committed in {@code topic}, read with read_committed, once at least {@code atLeast}
   * records are there or {@code timeout} has passed.
   */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int atLeast, Duration timeout) {
    return receiveCommitted(topic, atLeast, timeout).stream().map(Received::record).toList();
  }

  /** As {@link #readCommitted}, with the time each record arrived (for end-to-end latency). */
  public List<Received> receiveCommitted(String topic, int atLeast, Duration timeout) {
    return receiveCommitted(topic, atLeast, timeout, n -> {});
  }

  /** As {@link #receiveCommitted(String, int, Duration)}, telling {@code progress} the count after each poll. */
  public List<Received> receiveCommitted(String topic, int atLeast, Duration timeout, IntConsumer progress) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    p.put("group.id", "reader-" + System.nanoTime());
    List<Received> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && out.size() < atLeast) {
        poll(consumer, Duration.ofMillis(100), out);
        progress.accept(out.size());
      }
      poll(consumer, Duration.ofMillis(500), out); // anything committed meanwhile: duplicates show
    }
    return out;
  }

  private static void poll(KafkaConsumer<byte[], byte[]> consumer, Duration wait, List<Received> out) {
    var records = consumer.poll(wait);
    long now = System.currentTimeMillis();
    records.forEach(r -> out.add(new Received(r, now)));
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
