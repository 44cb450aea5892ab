package io.quantpipe.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.catalog.LocalBlobStore;
import io.quantpipe.catalog.LocalPublisher;
import io.quantpipe.flink.record.DeadLetterSerializer;
import io.quantpipe.flink.record.EncodedRecord;
import io.quantpipe.flink.record.EncodedRecordJson;
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
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
  static final Path SIFTSMALL = Path.of("..", "data", "siftsmall");
  static KafkaBroker kafka;
  static FloatVectors base;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() throws Exception {
    kafka = new KafkaBroker();
    base = FvecsReader.readFvecs(SIFTSMALL.resolve("base.fvecs"), 2000);
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
  }

  static void publish(Path root, long seed) throws Exception {
    ProductQuantizer pq = PqTrainer.train(base, Similarity.EUCLIDEAN, new PqParams(16, 4, seed), 1, 1);
    LocalPublisher.publish(root, base, LongStream.range(0, base.count()).toArray(), Similarity.EUCLIDEAN,
        QuantizerCodec.read(QuantizerCodec.toBytes(pq, "{}"), "test"), "pq", new HnswConfig(8, 32, seed), 4);
  }

  static byte[] insert(long id, float[] v) {
    StringBuilder json = new StringBuilder("{\"id\":").append(id).append(",\"vector\":[");
    for (int i = 0; i < v.length; i++) {
      json.append(i == 0 ? "" : ",").append(v[i]);
    }
    return json.append("],\"payload\":{\"source\":\"siftsmall\"}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  static StreamOptions options(Path root, String in, String out, String dlq) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(StreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    m.put(StreamOptions.INDEX, root.toString());
    m.put(StreamOptions.INPUT_TOPIC, in);
    m.put(StreamOptions.OUTPUT_TOPIC, out);
    m.put(StreamOptions.DEAD_LETTER_TOPIC, dlq);
    m.put(StreamOptions.STARTING_OFFSETS, "earliest");
    m.put(StreamOptions.CHECKPOINT_MS, "300");
    m.put(StreamOptions.CODEBOOK_POLL_MS, "200");
    m.put(StreamOptions.PARALLELISM, "2");
    m.put(StreamOptions.TRANSACTION_TIMEOUT_MS, "60000");
    m.put(StreamOptions.TRANSACTIONAL_ID_PREFIX, "it-" + in);
    return StreamOptions.fromMap(m);
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
    StreamQuantizerJob.build(env, options(root, "in-a", "out-a", "dlq-a"));
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
}
