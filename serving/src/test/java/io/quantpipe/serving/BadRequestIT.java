package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.eval.IndexEvaluation;
import io.quantpipe.index.PartitionedIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad request gets its {@code 400} (or 401/404/405) with a message naming the field,
 * from a node in its own JVM that stays up and keeps answering; and the bearer token guards every
 * endpoint but health and metrics.
 */
class BadRequestIT {
  private static final String TOKEN = "it-token-" + System.nanoTime();

  @TempDir
  static Path tmp;
  static NodeProcess node;
  static NodeClient client;

  @BeforeAll
  static void start() throws Exception {
    Published.publish(tmp.resolve("index"), "hybrid-sq8", 1);
    node = NodeProcess.start(tmp.resolve("index").toString(), tmp.resolve("cache"),
        Map.of("max-body-bytes", "200000", "max-k", "100", "max-batch", "8"), Map.of(ServeOptions.TOKEN_ENV, TOKEN));
    client = node.client(TOKEN);
    assertThat(client.await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(30)).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static String vector(int dim, String fill) {
    String[] v = new String[dim];
    Arrays.fill(v, fill);
    return "[" + String.join(",", v) + "]";
  }

  private static void assertBad(String body, int status, String... messageParts) throws Exception {
    NodeClient.Answer a = client.post("/v1/search", body);
    assertThat(a.status()).as(body.length() > 200 ? body.substring(0, 200) : body).isEqualTo(status);
    assertThat(a.json().path("error").asText()).contains(messageParts);
  }

  @Test
  void theBenchmarkMeasuresTheServedVersionAsTheLibraryDoesAndRefusesBadRequests() throws Exception {
    NodeClient.Answer all = client.post("/v1/benchmark", "");
    assertThat(all.status()).as(all.body()).isEqualTo(200);
    JsonNode r = all.json();
    assertThat(r.path("version").asInt()).isEqualTo(1);
    assertThat(r.path("queries").asInt()).isEqualTo(100);
    // The same measurement in plain Java on the version's files gives the same recall.
    PartitionedIndex index = PartitionedIndex.open(tmp.resolve("index").resolve(CatalogPointer.versionDir(1))
        .resolve("index"), true);
    IndexEvaluation.Result direct = IndexEvaluation.measureLive(index, Published.queries(), 10, r.path("ef").asInt(),
        r.path("nprobe").asInt(), r.path("oversample").asInt());
    assertThat(r.path("recall@10").asDouble()).isEqualTo(direct.recallAtK());
    assertThat(r.path("recall@1").asDouble()).isEqualTo(direct.recallAt1());
    assertThat(r.path("recall@10").asDouble()).isGreaterThan(0.8);
    // The publisher measured against a brute-force scan of its input: the same neighbours up to ties.
    assertThat(r.path("recall@10").asDouble()).isCloseTo(r.path("manifest_evaluation").path("recall@10").asDouble(),
        org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.path("latency_p99_ms").asDouble()).isGreaterThanOrEqualTo(r.path("latency_p50_ms").asDouble());
    assertThat(r.path("qps_one_thread").asDouble()).isPositive();
    assertThat(r.path("memory").path("rss_bytes").asLong()).isPositive();

    JsonNode some = client.post("/v1/benchmark", "{\"queries\": 5, \"k\": 5, \"nprobe\": 4}").json();
    assertThat(some.path("queries").asInt()).isEqualTo(5);
    assertThat(some.path("nprobe").asInt()).isEqualTo(4);
    assertThat(some.has("recall@5")).isTrue();

    assertBenchmark("{\"queries\": 101}", "'queries' is 101", "holds 100 held-out queries");
    assertBenchmark("{\"queries\": 0}", "'queries' is 0");
    assertBenchmark("{\"k\": 101}", "'k' is 101", "max-k");
    assertBenchmark("{\"nprobe\": 9}", "'nprobe' is 9", "has 4 partitions");
    assertBenchmark("{\"colour\": 1}", "unknown field 'colour'", "known fields: queries");
    assertBenchmark("{\"queries\": \"all\"}", "'queries' must be an integer");
    assertBenchmark("{\"queries\": 3", "malformed JSON");
    assertThat(node.client().post("/v1/benchmark", "{}").status()).isEqualTo(401);
  }

  private static void assertBenchmark(String body, String... messageParts) throws Exception {
    NodeClient.Answer a = client.post("/v1/benchmark", body);
    assertThat(a.status()).as(body).isEqualTo(400);
    assertThat(a.json().path("error").asText()).contains(messageParts);
  }

  @Test
  void everyBadRequestKindGetsItsOwnMessageAndTheNodeStaysUp() throws Exception {
    String ok = vector(128, "0.5");
    assertBad("{\"vector\": " + vector(100, "0.5") + "}", 400, "'vector' has 100 dimensions", "dimension is 128");
    assertBad("{\"vector\": [" + "NaN," + vector(127, "1").substring(1) + "}", 400, "'vector[0]' is NaN");
    assertBad("{\"vector\": [1e39" + vector(127, "1").substring(1).replaceFirst("^", ",") + "}", 400, "'vector[0]'",
        "not a finite float32");
    assertBad("{\"vector\": [\"a\"]}", 400, "'vector[0]' must be a number");
    assertBad("{\"vector\": " + ok + ", \"k\": 0}", 400, "'k' is 0", "[1, 100]");
    assertBad("{\"vector\": " + ok + ", \"k\": 101}", 400, "'k' is 101", "max-k");
    assertBad("{\"vector\": " + ok + ", \"k\": 2.5}", 400, "'k' must be an integer");
    assertBad("{\"vector\": " + ok + ", \"nprobe\": 9}", 400, "'nprobe' is 9", "has 4 partitions");
    assertBad("{\"vector\": " + ok + ", \"ef\": -1}", 400, "'ef' is -1");
    assertBad("{\"vector\": " + ok + ", \"colour\": 1}", 400, "unknown field 'colour'", "known fields: vector");
    assertBad("{\"vector\": " + ok + ", \"filter_ids\": [1, -2]}", 400, "'filter_ids[1]'");
    assertBad("{\"vector\": [0.5, 0.5", 400, "malformed JSON");
    assertBad("[1, 2]", 400, "must be a JSON object");
    assertBad("{\"k\": 3}", 400, "missing field 'vector'");
    assertBad("{\"vector\": " + ok + ", \"vectors\": [" + ok + "]}", 400, "not both 'vector' and 'vectors'");
    assertBad("{\"vectors\": [" + String.join(",", java.util.Collections.nCopies(9, ok)) + "]}", 400, "more than 8",
        "max-batch");
    assertBad("{\"vector_b64\": \"not base64!\"}", 400, "'vector_b64' is not valid base64");
    assertBad("{\"vector\": " + vector(128, "0.123456789") + ", \"pad\": \"" + "x".repeat(200_000) + "\"}", 400,
        "limit is 200000", "max-body-bytes");
    assertBad("", 400, "empty body");
    assertThat(client.get("/v1/search").status()).isEqualTo(405);
    assertThat(client.get("/v1/nothing-here").status()).isEqualTo(404);

    NodeClient.Answer good = client.post("/v1/search", "{\"vector\": " + ok + ", \"k\": 3}");
    assertThat(good.status()).isEqualTo(200);
    assertThat(good.json().path("hits").size()).isEqualTo(3);
    assertThat(node.isAlive()).isTrue();
    assertThat(client.get("/metrics").body()).contains("quantpipe_requests_total{endpoint=\"/v1/search\",outcome=\"bad_request\"}");
  }

  @Test
  void searchesInBatchesWithBase64VectorsAndFilters() throws Exception {
    float[] q = Published.queries().get(7);
    java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(4 * q.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(q);
    String b64 = java.util.Base64.getEncoder().encodeToString(raw.array());
    NodeClient.Answer byB64 = client.post("/v1/search", "{\"vector_b64\": \"" + b64 + "\", \"k\": 5}");
    NodeClient.Answer byJson = client.search(q, "\"k\": 5");
    assertThat(byB64.json().path("hits")).isEqualTo(byJson.json().path("hits"));

    StringBuilder batch = new StringBuilder("{\"k\": 4, \"vectors\": [");
    for (int i = 0; i < 3; i++) {
      batch.append(i == 0 ? "" : ",").append(Arrays.toString(Published.queries().get(i)));
    }
    NodeClient.Answer answer = client.post("/v1/search", batch.append("]}").toString());
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().path("results").size()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(answer.json().path("results").get(i).path("hits"))
          .isEqualTo(client.search(Published.queries().get(i), "\"k\": 4").json().path("hits"));
    }
    long first = byJson.json().path("hits").get(0).path("id").asLong();
    long third = byJson.json().path("hits").get(2).path("id").asLong();
    NodeClient.Answer filtered = client.search(q, "\"k\": 5, \"filter_ids\": [" + third + ", 999999]");
    assertThat(filtered.json().path("hits").size()).isEqualTo(1);
    assertThat(filtered.json().path("hits").get(0).path("id").asLong()).isEqualTo(third).isNotEqualTo(first);
  }

  @Test
  void theTokenGuardsEveryEndpointButHealthAndMetrics() throws Exception {
    NodeClient anonymous = node.client();
    NodeClient wrong = node.client("not-the-token");
    for (NodeClient c : new NodeClient[] {anonymous, wrong}) {
      assertThat(c.search(Published.queries().get(0), "").status()).isEqualTo(401);
      assertThat(c.get("/v1/stats").status()).isEqualTo(401);
      assertThat(c.get("/v1/versions").status()).isEqualTo(401);
      assertThat(c.get("/v1/health").status()).isEqualTo(200);
      assertThat(c.get("/metrics").status()).isEqualTo(200);
    }
    assertThat(anonymous.get("/v1/stats").json().path("error").asText()).contains("missing bearer token");
    assertThat(wrong.get("/v1/stats").json().path("error").asText()).contains("wrong bearer token");
    assertThat(client.get("/v1/stats").status()).isEqualTo(200);
  }
}
