package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.flink.StreamOptions;
import io.quantpipe.flink.StreamPipeline;
import io.quantpipe.flink.testing.LocalKafka;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The node applying the real stream: a Kafka broker (KRaft) in this JVM, the stream job on a Flink
 * MiniCluster encoding inserts and deletes with the published codebooks, and the node in its own
 * JVM reading the job's output: its topic, or (the alternative) its Parquet output directory.
 * Streamed changes must be visible within seconds, survive a
 * switch to a version with other codebooks published while inserts keep streaming, and survive the
 * node being killed mid-stream: every live streamed id is found by its own vector with the top
 * score, no deleted id comes back, and no id is counted twice.
 */
class StreamServingIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());
  private static final Duration VISIBLE = Duration.ofSeconds(60);
  private static LocalKafka kafka;
  private static FloatVectors extra;

  @TempDir
  Path tmp;

  /** The stream job's input topic of the running test. */
  private String input;

  /** What the stream has done, as the test expects the node to show it. */
  private final Map<Long, float[]> live = new TreeMap<>();
  private final Map<Long, float[]> deleted = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    kafka = new LocalKafka();
    extra = FvecsReader.readFvecs(Published.SIFTSMALL.resolve("base.fvecs"), 2600); // rows 2000+ are not in the index
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
  }

  @ParameterizedTest(name = "from the stream job''s {0}")
  @ValueSource(strings = {"topic", "parquet"})
  void streamedChangesAreVisibleWithinSecondsAndSurviveASwitchAndAKill(String source) throws Exception {
    Path root = tmp.resolve("index");
    Published.publish(root, "hybrid-pq", 1);
    input = "in-" + source;
    kafka.createTopics(2, input, "out-" + source, "dlq-" + source, "drift-" + source);
    Path parquet = tmp.resolve("stream-parquet");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamPipeline.build(env, StreamOptions.fromMap(streamOptions(root, source, parquet)));
    JobClient job = env.executeAsync("serve-stream-it-" + source);
    Map<String, String> settings = source.equals("topic")
        ? Map.of("stream-topic", "out-" + source, "stream-brokers", kafka.bootstrapServers(), "poll-ms", "300")
        : Map.of("stream-parquet", parquet.toString(), "poll-ms", "300");
    Path cache = tmp.resolve("cache");
    NodeProcess node = NodeProcess.start(root.toString(), cache, settings, Map.of());
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      NodeClient client = node.client();
      assertThat(client.await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(60)).status())
          .as("node log:\n%s", node.log()).isEqualTo(200);

      // Inserts of new ids, deletes of batch ids and of streamed ids: visible within seconds.
      long sent = System.nanoTime();
      for (int i = 0; i < 150; i++) {
        insert(producer, 100_000 + i, extra.get(2000 + i));
      }
      for (long id = 0; id < 40; id++) {
        delete(producer, id, Published.base().get((int) id));
      }
      for (long id = 100_000; id < 100_010; id++) {
        delete(producer, id, live.get(id));
      }
      producer.flush();
      awaitConsistent(client, node);
      System.out.printf("stream → node: 200 changes visible %d ms after they were sent%n",
          (System.nanoTime() - sent) / 1_000_000);

      // A version with other codebooks, published while inserts keep streaming.
      CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 150; i++) {
          insert(producer, 200_000 + i, extra.get(2150 + i));
          if (i % 10 == 0) {
            delete(producer, 40 + i / 10, Published.base().get(40 + i / 10));
          }
          pause(10);
        }
        producer.flush();
      });
      Published.publish(root, "hybrid-pq", 2);
      streaming.get();
      assertThat(client.await("/v1/health", a -> a.json().path("version").asInt() == 2, Duration.ofSeconds(30))
          .json().path("version").asInt()).as("node log:\n%s", node.log()).isEqualTo(2);
      awaitConsistent(client, node);

      // Killed mid-stream and restarted on the same cache: nothing lost, nothing twice.
      CompletableFuture<Void> more = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 150; i++) {
          insert(producer, 300_000 + i, extra.get(2300 + i));
          if (i % 15 == 0) {
            delete(producer, 200_000 + i, live.get(200_000L + i));
          }
          pause(10);
        }
        producer.flush();
      });
      pause(500);
      node.kill();
      node = NodeProcess.start(root.toString(), cache, settings, Map.of());
      more.get();
      client = node.client();
      assertThat(client.await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(60)).status())
          .as("node log:\n%s", node.log()).isEqualTo(200);
      awaitConsistent(client, node);
      JsonNode stats = client.get("/v1/stats").json();
      assertThat(stats.path("live").path("tombstones").asLong()).isEqualTo(deletedBatchIds());
      assertThat(stats.path("stream").path("caught_up").asBoolean()).isTrue();
      assertThat(stats.path("stream").path("malformed").asLong()).isZero();
      assertThat(client.get("/metrics").body()).contains("quantpipe_delta_vectors",
          source.equals("topic") ? "quantpipe_stream_lag_records" : "quantpipe_stream_lag_files");
    } finally {
      node.close();
      job.cancel().get();
    }
  }

  /** The stream job's settings; it writes the topic in either case and the Parquet directory too for {@code parquet}. */
  private Map<String, String> streamOptions(Path root, String source, Path parquet) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(StreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    m.put(StreamOptions.INDEX, root.toString());
    m.put(StreamOptions.INPUT_TOPIC, "in-" + source);
    m.put(StreamOptions.OUTPUT_TOPIC, "out-" + source);
    m.put(StreamOptions.DEAD_LETTER_TOPIC, "dlq-" + source);
    m.put(StreamOptions.DRIFT_TOPIC, "drift-" + source);
    if (source.equals("parquet")) {
      m.put(StreamOptions.PARQUET_OUTPUT, parquet.toString());
    }
    m.put(StreamOptions.STARTING_OFFSETS, "earliest");
    m.put(StreamOptions.CHECKPOINT_MS, "300");
    m.put(StreamOptions.CODEBOOK_POLL_MS, "200");
    m.put(StreamOptions.PARALLELISM, "2");
    m.put(StreamOptions.TRANSACTION_TIMEOUT_MS, "60000");
    m.put(StreamOptions.TRANSACTIONAL_ID_PREFIX, "serve-it-" + source);
    return m;
  }

  private synchronized void insert(KafkaProducer<byte[], byte[]> producer, long id, float[] v) {
    StringBuilder json = new StringBuilder("{\"id\":").append(id).append(",\"vector\":[");
    for (int i = 0; i < v.length; i++) {
      json.append(i == 0 ? "" : ",").append(v[i]);
    }
    send(producer, id, json.append("]}").toString());
    live.put(id, v);
    deleted.remove(id);
  }

  private synchronized void delete(KafkaProducer<byte[], byte[]> producer, long id, float[] v) {
    send(producer, id, "{\"op\":\"delete\",\"id\":" + id + "}");
    live.remove(id);
    deleted.put(id, v);
  }

  /** Keyed by id, as the stream job's docs ask: an id's records share an input partition, which orders them. */
  private void send(KafkaProducer<byte[], byte[]> producer, long id, String json) {
    producer.send(new ProducerRecord<>(input, Long.toString(id).getBytes(StandardCharsets.UTF_8),
        json.getBytes(StandardCharsets.UTF_8)));
  }

  private synchronized long deletedBatchIds() {
    return deleted.keySet().stream().filter(id -> id < Published.base().count()).count();
  }

  /**
   * Waits until the node shows exactly the stream's state: every live streamed id found by its own
   * vector with the top score, every deleted id absent from its own vector's hits, no id twice, and
   * the live count the batch ids minus the deleted plus the streamed.
   */
  private void awaitConsistent(NodeClient client, NodeProcess node) throws Exception {
    long deadline = System.nanoTime() + VISIBLE.toNanos();
    List<String> problems = check(client);
    while (!problems.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
      problems = check(client);
    }
    assertThat(problems).as("node log:\n%s", node.log()).isEmpty();
  }

  private synchronized List<String> check(NodeClient client) throws Exception {
    List<String> problems = new ArrayList<>();
    Map<Long, float[]> streamed = new TreeMap<>(live);
    streamed.keySet().removeIf(id -> id < Published.base().count());
    List<Long> ids = new ArrayList<>(streamed.keySet());
    ids.addAll(deleted.keySet());
    List<float[]> vectors = new ArrayList<>(streamed.values());
    vectors.addAll(deleted.values());
    for (int from = 0; from < ids.size(); from += 100) {
      int to = Math.min(ids.size(), from + 100);
      NodeClient.Answer a = client.post("/v1/search", batch(vectors.subList(from, to)));
      if (a.status() != 200) {
        return List.of("search answered " + a.status() + ": " + a.body());
      }
      for (int i = from; i < to; i++) {
        JsonNode hits = a.json().path("results").path(i - from).path("hits");
        long id = ids.get(i);
        Set<Long> seen = new HashSet<>();
        Double own = null;
        for (JsonNode h : hits) {
          if (!seen.add(h.path("id").asLong())) {
            problems.add("id " + h.path("id").asLong() + " returned twice");
          }
          if (h.path("id").asLong() == id) {
            own = h.path("score").asDouble();
          }
        }
        boolean shouldBeLive = live.containsKey(id);
        if (shouldBeLive && (own == null || own < hits.path(0).path("score").asDouble())) {
          problems.add("streamed id " + id + " is not the top hit of its own vector: " + hits);
        } else if (!shouldBeLive && own != null) {
          problems.add("deleted id " + id + " is returned");
        }
      }
    }
    long expected = Published.base().count() - deletedBatchIds() + streamed.size();
    long vectorsLive = client.get("/v1/stats").json().path("live").path("vectors").asLong();
    if (vectorsLive != expected) {
      problems.add("live vectors " + vectorsLive + ", expected " + expected);
    }
    return problems;
  }

  private static String batch(List<float[]> vectors) {
    StringBuilder b = new StringBuilder("{\"k\":10,\"vectors\":[");
    for (int i = 0; i < vectors.size(); i++) {
      b.append(i == 0 ? "[" : ",[");
      float[] v = vectors.get(i);
      for (int j = 0; j < v.length; j++) {
        b.append(j == 0 ? "" : ",").append(v[j]);
      }
      b.append(']');
    }
    return b.append("]}").toString();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
