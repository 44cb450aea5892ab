package io.quantpipe.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.catalog.LocalBlobStore;
import io.quantpipe.catalog.LocalPublisher;
import io.quantpipe.flink.testing.LocalKafka;
import io.quantpipe.flink.record.DeadLetterSerializer;
import io.quantpipe.stream.EncodedRecord;
import io.quantpipe.stream.EncodedRecordJson;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream job on a Flink MiniCluster against a real Kafka broker (KRaft, in this JVM), encoding
 * with codebooks published by {@link LocalPublisher} from siftsmall.
 */
class StreamQuantizerJobIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());
  static final Path SIFTSMALL = StreamFixtures.SIFTSMALL;
  static LocalKafka kafka;
  static FloatVectors base;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() throws Exception {
    kafka = new LocalKafka();
    base = StreamFixtures.base();
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
  }

  static void publish(Path root, long seed) throws Exception {
    StreamFixtures.publish(root, seed);
  }

  static byte[] insert(long id, float[] v) {
    return StreamFixtures.insert(id, v);
  }

  static StreamOptions options(Path root, String in, String out, String dlq) {
    return StreamOptions.fromMap(StreamFixtures.options(kafka.bootstrapServers(), root, in, out, dlq));
  }

  @Test
  void encodesEveryValidRecordOnceWithThePublishedCodebooksAndDeadLettersEveryBadOne() throws Exception {
    Path root = tmp.resolve("index");
    publish(root, 1);
    kafka.createTopics(2, "in-a", "out-a", "dlq-a");
    List<byte[]> values = new ArrayList<>();
    for (int id = 0; id < 300; id++) {
      values.add(insert(id, base.get(id)));
    }
    values.add("{\"op\":\"delete\",\"id\":5}".getBytes(StandardCharsets.UTF_8));
    Map<String, String> bad = new LinkedHashMap<>(); // record -> the reason its dead letter must give
    bad.put("{\"id\":900,\"vector\":[1.0,2.0,3.0]}", "vector has dimension 3; the codebooks of version 1 take 128");
    bad.put("{\"id\":901,\"vector\":[1.0,NaN]}", "vector[1] is NaN");
    bad.put("{\"id\":902,\"vector\":[1.0,null]}", "vector[1] is null");
    bad.put("{\"vector\":[1.0]}", "id is missing");
    bad.put("{\"id\":-4,\"vector\":[1.0]}", "id must be an integer");
    bad.put("{\"id\":903}", "vector is missing or null");
    bad.put("{\"id\":904,\"vector\":[1.0,", "unparsable JSON");
    bad.put("garbage", "unparsable JSON");
    bad.forEach((json, reason) -> values.add(json.getBytes(StandardCharsets.UTF_8)));
    values.add(null); // a tombstone
    kafka.send("in-a", values);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamPipeline.build(env, options(root, "in-a", "out-a", "dlq-a"));
    JobClient job = env.executeAsync("stream-it");
    List<ConsumerRecord<byte[], byte[]>> out;
    List<ConsumerRecord<byte[], byte[]>> dead;
    try {
      out = kafka.readCommitted("out-a", 301, Duration.ofSeconds(90));
      dead = kafka.readCommitted("dlq-a", bad.size() + 1, Duration.ofSeconds(30));
    } finally {
      job.cancel().get();
    }

    Codebooks books = Codebooks.of(CodebookRelease.fetchCurrent(new LocalBlobStore(root)));
    Map<Long, Integer> seen = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : out) {
      EncodedRecord e = EncodedRecordJson.fromBytes(r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(Long.toString(e.id()));
      assertThat(e.codebookVersion()).isEqualTo(1);
      if (e.delete()) {
        assertThat(e.id()).isEqualTo(5);
        assertThat(e.partition()).isEqualTo(-1);
        continue;
      }
      seen.merge(e.id(), 1, Integer::sum);
      byte[] expected = new byte[books.codeBytes()];
      int partition = books.encode(base.get((int) e.id()), expected);
      assertThat(e.code()).as("code of id %d", e.id()).isEqualTo(expected);
      assertThat(e.partition()).isEqualTo(partition);
    }
    assertThat(out).hasSize(301);
    assertThat(seen).hasSize(300).allSatisfy((id, n) -> assertThat(n).as("copies of id %d", id).isEqualTo(1));
    // Inserts are encoded in blocks, deletes pass straight through: the order of each input partition's
    // records must survive it (in every output partition, source offsets per source partition only rise).
    Map<String, Long> last = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : out) {
      EncodedRecord e = EncodedRecordJson.fromBytes(r.value());
      String stream = r.partition() + "<-" + e.sourcePartition();
      Long before = last.put(stream, e.sourceOffset());
      assertThat(before == null || before < e.sourceOffset()).as("order of %s at offset %d", stream, e.sourceOffset())
          .isTrue();
    }

    Map<String, String> reasons = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
      reasons.put(value, new String(r.headers().lastHeader(DeadLetterSerializer.REASON).value(), StandardCharsets.UTF_8));
      assertThat(new String(r.headers().lastHeader(DeadLetterSerializer.SOURCE).value(), StandardCharsets.UTF_8))
          .startsWith("in-a-");
    }
    assertThat(dead).hasSize(bad.size() + 1);
    bad.forEach((json, reason) -> assertThat(reasons.get(json)).as(json).contains(reason));
    assertThat(reasons.get(null)).contains("tombstone");
  }

  @Test
  void hotSwapsToEachNewVersionMidStreamAndRefusesACorruptOne() throws Exception {
    Path root = tmp.resolve("index");
    publish(root, 1);
    kafka.createTopics(2, "in-b", "out-b", "dlq-b");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamPipeline.build(env, options(root, "in-b", "out-b", "dlq-b"));
    JobClient job = env.executeAsync("stream-swap-it");
    Map<Integer, Codebooks> versions = new HashMap<>();
    List<EncodedRecord> out = new ArrayList<>();
    try (var producer = kafka.producer()) {
      sendRange(producer, 0, 100);
      out = awaitOutput("out-b", 100);
      versions.put(1, current(root));

      publish(root, 2); // a new version mid-stream: records keep flowing while the watcher picks it up
      versions.put(2, current(root));
      for (long id = 100; id < 400 && out.stream().noneMatch(e -> e.codebookVersion() == 2); id += 20) {
        sendRange(producer, id, id + 20);
        out = awaitOutput("out-b", (int) id + 20);
      }
      assertThat(out).anyMatch(e -> e.codebookVersion() == 2);

      // Version 3 is corrupt (its manifest fails the pointer's checksum): refused, version 2 stays.
      Path v2 = root.resolve(CatalogPointer.versionDir(2));
      Path v3 = root.resolve(CatalogPointer.versionDir(3));
      copyTree(v2, v3);
      byte[] manifest = java.nio.file.Files.readAllBytes(v3.resolve(CatalogPointer.MANIFEST));
      long goodCrc = CodebookRelease.crc32c(manifest);
      manifest[manifest.length - 3] ^= 1;
      java.nio.file.Files.write(v3.resolve(CatalogPointer.MANIFEST), manifest);
      LocalPublisher.switchPointer(root, new CatalogPointer(3, goodCrc));
      Thread.sleep(1500); // several polls: time enough to (wrongly) accept it
      int before = out.size();
      sendRange(producer, 1000, 1100);
      out = awaitOutput("out-b", before + 100);
      assertThat(out.stream().filter(e -> e.id() >= 1000)).hasSize(100).allMatch(e -> e.codebookVersion() == 2);

      publish(root, 4); // a good version after the refused one is taken up
      versions.put(4, current(root));
      for (long id = 2000; id < 2400 && out.stream().noneMatch(e -> e.codebookVersion() == 4); id += 20) {
        sendRange(producer, id, id + 20);
        out = awaitOutput("out-b", out.size() + 20);
      }
    } finally {
      job.cancel().get();
    }
    assertThat(out).anyMatch(e -> e.codebookVersion() == 4).noneMatch(e -> e.codebookVersion() == 3);
    // Every record is encoded exactly as plain Java encodes it with the version it names, and per
    // input partition (ids of one parity) versions only move forward.
    Map<Long, Integer> lastVersionByParity = new HashMap<>();
    out.sort(java.util.Comparator.comparingLong(EncodedRecord::id));
    for (EncodedRecord e : out) {
      Codebooks books = versions.get(e.codebookVersion());
      byte[] expected = new byte[books.codeBytes()];
      int partition = books.encode(base.get((int) (e.id() % base.count())), expected);
      assertThat(e.code()).as("id %d, version %d", e.id(), e.codebookVersion()).isEqualTo(expected);
      assertThat(e.partition()).isEqualTo(partition);
      int last = lastVersionByParity.getOrDefault(e.id() % 2, 0);
      assertThat(e.codebookVersion()).as("version of id %d", e.id()).isGreaterThanOrEqualTo(last);
      lastVersionByParity.put(e.id() % 2, e.codebookVersion());
    }
    assertThat(out.stream().map(EncodedRecord::id).distinct().count()).isEqualTo(out.size());
  }

  @Test
  void aTaskFailureAndAStopWithSavepointAndRestoreLoseAndDuplicateNothing(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    Path root = tmp.resolve("index");
    publish(root, 1);
    kafka.createTopics(2, "in-c", "out-c", "dlq-c");
    Map<String, String> restarts = restarts(3, "200 ms");
    Map<String, String> drill = new HashMap<>(options(root, "in-c", "out-c", "dlq-c").toMap());
    drill.put(StreamOptions.FAILURE_DRILL_AFTER, "100"); // encoder subtask 0 throws once, mid-stream
    Codebooks books;
    try (var producer = kafka.producer()) {
      sendRange(producer, "in-c", 0, 400);
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          org.apache.flink.configuration.Configuration.fromMap(restarts));
      StreamPipeline.build(env, StreamOptions.fromMap(drill));
      JobClient first = env.executeAsync("stream-fail-it");
      assertThat(awaitOutput("out-c", 400)).hasSize(400);
      var graph = cluster.getExecutionGraph(first.getJobID()).get();
      int attempts = 0;
      for (var vertex : graph.getAllVertices().values()) {
        if (vertex.getName().contains("encode")) {
          attempts = vertex.getTaskVertices()[0].getCurrentExecutionAttempt().getAttemptNumber();
        }
      }
      assertThat(attempts).as("the encoder's attempt after the drill failure").isGreaterThanOrEqualTo(1);
      String savepoint = first.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
          SavepointFormatType.CANONICAL).get(60, java.util.concurrent.TimeUnit.SECONDS);

      sendRange(producer, "in-c", 400, 700); // arrives while no job runs
      Map<String, String> restore = new HashMap<>(restarts);
      restore.put("execution.state-recovery.path", savepoint);
      StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment(
          org.apache.flink.configuration.Configuration.fromMap(restore));
      StreamPipeline.build(env2, options(root, "in-c", "out-c", "dlq-c"));
      JobClient second = env2.executeAsync("stream-restored-it");
      try {
        List<EncodedRecord> out = awaitOutput("out-c", 700);
        books = current(root);
        assertThat(out).hasSize(700);
        assertThat(out.stream().map(EncodedRecord::id).distinct().count()).isEqualTo(700);
        for (EncodedRecord e : out) {
          byte[] expected = new byte[books.codeBytes()];
          books.encode(base.get((int) e.id()), expected);
          assertThat(e.code()).isEqualTo(expected);
        }
      } finally {
        second.cancel().get();
      }
    }
  }

  /**
   * A TaskManager lost as a new version is published (the watcher's poll, the broadcast and the
   * encoders' swap all in flight): the MiniCluster's only TaskManager is terminated, a fresh one
   * started, and the job restarts from its last checkpoint. The output still holds every input
   * exactly once, each record encoded exactly as the version it names encodes it, and the new
   * version is taken up.
   */
  @Test
  void aTaskManagerLostDuringACodebookSwapLosesAndDuplicatesNothing(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    Path root = tmp.resolve("index");
    publish(root, 1);
    kafka.createTopics(2, "in-tm", "out-tm", "dlq-tm");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        org.apache.flink.configuration.Configuration.fromMap(restarts(10, "500 ms")));
    StreamPipeline.build(env, options(root, "in-tm", "out-tm", "dlq-tm"));
    JobClient job = env.executeAsync("stream-tm-loss-it");
    Map<Integer, Codebooks> versions = new HashMap<>();
    List<EncodedRecord> out;
    long sent;
    try (var producer = kafka.producer()) {
      sendRange(producer, "in-tm", 0, 200);
      assertThat(awaitOutput("out-tm", 200)).hasSize(200);
      versions.put(1, current(root));

      publish(root, 2);
      versions.put(2, current(root));
      cluster.terminateTaskManager(0).get(60, java.util.concurrent.TimeUnit.SECONDS);
      sendRange(producer, "in-tm", 200, 400); // arrives while no TaskManager runs
      cluster.startTaskManager();

      sent = 400;
      out = awaitOutput("out-tm", (int) sent);
      for (; sent < 2000 && out.stream().noneMatch(e -> e.codebookVersion() == 2); sent += 20) {
        sendRange(producer, "in-tm", sent, sent + 20);
        out = awaitOutput("out-tm", (int) sent + 20);
      }
    } finally {
      job.cancel().get();
    }
    assertThat(out).as(shortfall(out, sent, job)).hasSize((int) sent);
    assertThat(out.stream().map(EncodedRecord::id).distinct().count()).as("no duplicates").isEqualTo(sent);
    assertThat(out).anyMatch(e -> e.codebookVersion() == 2);
    for (EncodedRecord e : out) {
      Codebooks books = versions.get(e.codebookVersion());
      byte[] expected = new byte[books.codeBytes()];
      books.encode(base.get((int) (e.id() % base.count())), expected);
      assertThat(e.code()).as("id %d, version %d", e.id(), e.codebookVersion()).isEqualTo(expected);
    }
  }

  /**
   * Parity with the batch pipeline: siftsmall vectors 0-499 streamed with the codebooks the Spark
   * pipeline published get exactly the partitions and codes its Parquet shards hold (the fixture
   * {@code data/fixtures/spark-hybrid-pq}, which spark-jobs' PipelineIT keeps in step with the pipeline).
   */
  @Test
  void codesEqualTheSparkPipelinesShards() throws Exception {
    Path fixture = Path.of("..", "data", "fixtures", "spark-hybrid-pq");
    Path root = tmp.resolve("spark-index");
    copyTree(fixture, root);
    Map<Long, String> spark = new HashMap<>();
    for (String line : java.nio.file.Files.readAllLines(fixture.resolve("codes.jsonl"))) {
      var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
      spark.put(n.get("id").asLong(), n.get("partition").asInt() + "/" + n.get("code").asText());
    }
    kafka.createTopics(2, "in-d", "out-d", "dlq-d");
    try (var producer = kafka.producer()) {
      sendRange(producer, "in-d", 0, spark.size());
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamPipeline.build(env, options(root, "in-d", "out-d", "dlq-d"));
    JobClient job = env.executeAsync("stream-parity-it");
    List<EncodedRecord> out;
    try {
      out = awaitOutput("out-d", spark.size());
      List<EncodedRecord> got = out;
      assertThat(got).as(() -> shortfall(got, spark.size(), job)).hasSize(spark.size());
    } finally {
      job.cancel().get();
    }
    for (EncodedRecord e : out) {
      assertThat(e.partition() + "/" + java.util.Base64.getEncoder().encodeToString(e.code()))
          .as("partition/code of id %d: stream vs Spark shards", e.id()).isEqualTo(spark.get(e.id()));
    }
  }

  /**
   * Drift: codebooks trained on siftsmall rows 0-1999 with the baseline error measured on held-out
   * rows 2000-2999; rows 3000-3599 stream in as they are (no event), then the same rows with their
   * dimensions reversed, another distribution: each encoder subtask's window drifts, on both error
   * and occupancy, and the event reaches the drift topic.
   */
  @Test
  void aChangedDistributionRaisesADriftEventPerWindow() throws Exception {
    FloatVectors more = FvecsReader.readFvecs(SIFTSMALL.resolve("base.fvecs"), 4000);
    Path root = tmp.resolve("index");
    ProductQuantizer pq = PqTrainer.train(base, Similarity.EUCLIDEAN, new PqParams(16, 4, 1), 1, 1);
    LocalPublisher.publish(root, base, LongStream.range(0, base.count()).toArray(), Similarity.EUCLIDEAN,
        QuantizerCodec.read(QuantizerCodec.toBytes(pq, "{}"), "test"), more.slice(2000, 3000), "pq",
        new HnswConfig(8, 32, 1), 4);
    kafka.createTopics(2, "in-e", "out-e", "dlq-e", "drift-e");
    Map<String, String> m = new HashMap<>(options(root, "in-e", "out-e", "dlq-e").toMap());
    m.put(StreamOptions.DRIFT_TOPIC, "drift-e");
    m.put(StreamOptions.DRIFT_WINDOW, "300");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamPipeline.build(env, StreamOptions.fromMap(m));
    JobClient job = env.executeAsync("stream-drift-it");
    List<ConsumerRecord<byte[], byte[]>> events;
    try (var producer = kafka.producer()) {
      for (int id = 0; id < 1200; id++) {
        float[] v = more.get(3000 + id % 600);
        if (id >= 600) {
          float[] reversed = new float[v.length];
          for (int j = 0; j < v.length; j++) {
            reversed[j] = v[v.length - 1 - j];
          }
          v = reversed;
        }
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("in-e", id % 2, null, insert(id, v)));
      }
      producer.flush();
      List<EncodedRecord> out = awaitOutput("out-e", 1200);
      assertThat(out).as(() -> shortfall(out, 1200, job)).hasSize(1200);
      events = kafka.readCommitted("drift-e", 2, Duration.ofSeconds(30));
    } finally {
      job.cancel().get();
    }
    assertThat(events).hasSize(2); // one per subtask: its second window; the first windows did not drift
    for (ConsumerRecord<byte[], byte[]> e : events) {
      var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.value());
      assertThat(n.get("event").asText()).isEqualTo("quantization_drift");
      assertThat(n.get("codebook_version").asInt()).isEqualTo(1);
      assertThat(n.get("count").asLong()).isEqualTo(300);
      assertThat(n.get("drifted").asBoolean()).isTrue();
      assertThat(n.get("error_ratio").asDouble()).isGreaterThan(1.5);
      assertThat(n.get("reason").asText()).contains("error ratio");
    }
  }

  /** A fixed-delay restart strategy: the job recovers by itself from up to {@code attempts} failures. */
  private static Map<String, String> restarts(int attempts, String delay) {
    return Map.of("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.attempts",
        Integer.toString(attempts), "restart-strategy.fixed-delay.delay", delay);
  }

  private static Codebooks current(Path root) throws Exception {
    return Codebooks.of(CodebookRelease.fetchCurrent(new LocalBlobStore(root)));
  }

  /** Inserts ids {@code [from, to)}, id i carrying base vector i mod n, to input partition i mod 2. */
  private static void sendRange(org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer, long from,
      long to) throws Exception {
    sendRange(producer, "in-b", from, to);
  }

  private static void sendRange(org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer, String topic,
      long from, long to) throws Exception {
    for (long id = from; id < to; id++) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, (int) (id % 2), null,
          insert(id, base.get((int) (id % base.count()))))).get();
    }
  }

  /**
   * The committed records of {@code topic}, once there are {@code atLeast} of them or after two minutes: a busy
   * CI machine runs these jobs up to 20x slower than a quiet one.
   */
  private static List<EncodedRecord> awaitOutput(String topic, int atLeast) throws Exception {
    List<EncodedRecord> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(topic, atLeast, Duration.ofSeconds(120))) {
      out.add(EncodedRecordJson.fromBytes(r.value()));
    }
    return out;
  }

  /** What a short output lacks, and the job's state, so that a failure on CI says where the records stopped. */
  private static String shortfall(List<EncodedRecord> out, long expected, JobClient job) {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    out.forEach(e -> seen.add(e.id()));
    List<Long> missing = LongStream.range(0, expected).filter(id -> !seen.contains(id)).limit(50).boxed().toList();
    String status;
    try {
      status = String.valueOf(job.getJobStatus().get(10, java.util.concurrent.TimeUnit.SECONDS));
    } catch (Exception e) {
      status = "unknown (" + e + ")";
    }
    return "ids [0, " + expected + ") on the output; missing (first 50) " + missing + "; job " + status;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var paths = java.nio.file.Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        java.nio.file.Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }
}
