package io.quantpipe.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.drift.DriftReport;
import io.quantpipe.flink.testing.LocalKafka;
import io.quantpipe.flink.drift.RetrainCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The retrain DAG's check against a real KRaft broker and a published index root: nothing
 * published, age, the drift marker and the drift topic each decide; drift of another version does
 * not; a missing topic and an unreachable broker exit 2.
 */
class RetrainCheckIT {
  static LocalKafka kafka;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = new LocalKafka();
    kafka.createTopics(2, "drift");
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  private static RetrainCheck check(String... args) {
    RetrainCheck c = new RetrainCheck();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  private static int exit(String... args) {
    return new CommandLine(new RetrainCheck()).execute(args);
  }

  private static byte[] report(int version, boolean drifted) {
    return new DriftReport(version, 10_000, 0.2, 0.1, 2.0, 0.05, drifted, drifted ? "error ratio 2.00 > 1.5" : "")
        .toJson().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void ageAndTheDriftMarkerDecide() throws Exception {
    Path root = tmp.resolve("index");
    Files.createDirectories(root);
    String index = root.toString();
    assertThat(exit("--index", index)).isZero(); // nothing published: build it
    StreamFixtures.publish(root, 1);

    assertThat(exit("--index", index, "--drift-marker", "_DRIFT")).isEqualTo(99);
    RetrainCheck.Decision old = check("--index", index, "--max-age-days", "30").decide(Instant.now().plus(Duration.ofDays(31)));
    assertThat(old.retrain()).isTrue();
    assertThat(old.reason()).contains("version 1 is 31.0 days old");

    Files.write(root.resolve("_DRIFT"), report(0, true)); // an older version's drift: already retrained
    assertThat(exit("--index", index, "--drift-marker", "_DRIFT")).isEqualTo(99);
    Files.write(root.resolve("_DRIFT"), report(1, false));
    assertThat(exit("--index", index, "--drift-marker", "_DRIFT")).isEqualTo(99);
    Files.write(root.resolve("_DRIFT"), report(1, true));
    RetrainCheck.Decision drift = check("--index", index, "--drift-marker", "_DRIFT").decide(Instant.now());
    assertThat(drift.retrain()).isTrue();
    assertThat(drift.reason()).contains("reports drift of version 1").contains("error ratio 2.00 > 1.5");
    assertThat(exit("--index", index, "--drift-marker", "_DRIFT", "--skip-exit-code", "7")).isZero();
  }

  @Test
  void theDriftTopicDecides() throws Exception {
    Path root = tmp.resolve("topic-index");
    Files.createDirectories(root);
    StreamFixtures.publish(root, 2);
    String[] args = {"--index", root.toString(), "--drift-topic", "drift", "--bootstrap-servers",
        kafka.bootstrapServers()};
    assertThat(exit(args)).isEqualTo(99);

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>("drift", 0, null, report(1, false))).get();
      producer.send(new ProducerRecord<>("drift", 1, null, "not json".getBytes(StandardCharsets.UTF_8))).get();
      producer.send(new ProducerRecord<>("drift", 1, null, report(0, true))).get();
      assertThat(exit(args)).isEqualTo(99);
      producer.send(new ProducerRecord<>("drift", 0, null, report(1, true))).get();
    }
    RetrainCheck.Decision d = check(args).decide(Instant.now());
    assertThat(d.retrain()).isTrue();
    assertThat(d.reason()).contains("drift topic drift reports drift of version 1");
  }

  @Test
  void aMissingTopicOrAnUnreachableBrokerIsAnError() throws Exception {
    Path root = tmp.resolve("err-index");
    Files.createDirectories(root);
    StreamFixtures.publish(root, 3);
    List<String> base = new ArrayList<>(List.of("--index", root.toString()));
    base.addAll(List.of("--drift-topic", "no-such-topic", "--bootstrap-servers", kafka.bootstrapServers()));
    assertThat(exit(base.toArray(new String[0]))).isEqualTo(2);
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      int closed = s.getLocalPort();
      s.close();
      assertThat(exit("--index", root.toString(), "--drift-topic", "drift", "--bootstrap-servers",
          "127.0.0.1:" + closed)).isEqualTo(2);
    }
    assertThat(exit("--index", root.toString(), "--drift-topic", "drift")).isEqualTo(2);
  }
}
