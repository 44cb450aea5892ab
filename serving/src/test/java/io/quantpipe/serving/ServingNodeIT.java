package io.quantpipe.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.catalog.LocalPublisher;
import io.quantpipe.index.IndexHits;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.index.PartitionedIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in its own JVM over a local index root: answers as the library does, starts before
 * anything is published, restarts from a warm cache without downloading, refuses a corrupt version.
 */
class ServingNodeIT {
  private static final Map<String, String> FAST_POLL = Map.of("poll-ms", "200", "retry-max-ms", "400");

  @TempDir
  Path tmp;

  @Test
  void answersExactlyAsThePartitionedIndexForEveryStrategy() throws Exception {
    Path root = tmp.resolve("index");
    List<String> strategies = List.of("none", "sq8", "sq4", "pq", "bq", "hybrid-sq8", "hybrid-pq", "hybrid-bq");
    CatalogPointer first = Published.publish(root, strategies.get(0), 1);
    try (NodeProcess node = NodeProcess.start(root.toString(), tmp.resolve("cache"), FAST_POLL, Map.of())) {
      NodeClient client = node.client();
      for (String strategy : strategies) {
        CatalogPointer pointer = strategy.equals(strategies.get(0)) ? first : Published.publish(root, strategy, 1);
        NodeClient.Answer health = client.await("/v1/health",
            a -> a.status() == 200 && a.json().path("version").asInt() == pointer.version(), Duration.ofSeconds(30));
        assertThat(health.json().path("version").asInt()).as(strategy + ": " + health.body()).isEqualTo(pointer.version());

        PartitionedIndex direct = PartitionedIndex.open(root.resolve(CatalogPointer.versionDir(pointer.version()))
            .resolve("index"), true);
        boolean hybrid = strategy.startsWith("hybrid-");
        for (int q = 0; q < 20; q++) {
          float[] query = Published.queries().get(q);
          assertSameHits(strategy + " query " + q + " (defaults)", client.search(query, ""),
              direct.search(query, 10, 64, 4, hybrid ? 4 : 1, null), pointer.version());
          assertSameHits(strategy + " query " + q + " (overrides)",
              client.search(query, "\"k\": 5, \"nprobe\": 2, \"ef\": 32, \"oversample\": 2"),
              direct.search(query, 5, 32, 2, 2, null), pointer.version());
        }
      }
      JsonNode stats = client.get("/v1/stats").json();
      assertThat(stats.path("statistics").path("corpus").path("strategy").asText()).isEqualTo("hybrid-bq");
      assertThat(stats.path("live").path("vectors").asLong()).isEqualTo(Published.base().count());
      assertThat(stats.path("queries").path("search_requests").asLong()).isEqualTo(strategies.size() * 40L);
      assertThat(stats.path("search_defaults").path("oversample").asInt()).isEqualTo(4);
    }
  }

  private static void assertSameHits(String what, NodeClient.Answer answer, IndexHits expected, int version) {
    assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(200);
    assertThat(answer.json().path("version").asInt()).as(what).isEqualTo(version);
    JsonNode hits = answer.json().path("hits");
    assertThat(hits.size()).as(what).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(hits.get(i).path("id").asLong()).as(what + " rank " + i).isEqualTo(expected.ids()[i]);
      assertThat(hits.get(i).path("score").floatValue()).as(what + " rank " + i).isEqualTo(expected.scores()[i]);
    }
    assertThat(answer.json().path("took_ms").asDouble()).as(what).isPositive();
  }

  @Test
  void startsBeforeAnythingIsPublishedAndBecomesReadyWhenAVersionAppears() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("empty-root"));
    try (NodeProcess node = NodeProcess.start(root.toString(), tmp.resolve("cache"), FAST_POLL, Map.of())) {
      NodeClient client = node.client();
      NodeClient.Answer health = client.await("/v1/health", a -> a.json().has("reason")
          && a.json().path("reason").asText().contains("nothing is published"), Duration.ofSeconds(20));
      assertThat(health.status()).as(health.body()).isEqualTo(503);
      assertThat(health.json().path("reason").asText()).contains("nothing is published under " + root);
      assertThat(health.json().path("live").asBoolean()).isTrue();
      NodeClient.Answer search = client.search(Published.queries().get(0), "");
      assertThat(search.status()).isEqualTo(503);
      assertThat(search.json().path("error").asText()).contains("not ready").contains("nothing is published");
      assertThat(client.get("/v1/health/live").status()).isEqualTo(200);

      Published.publish(root, "hybrid-sq8", 1);
      health = client.await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(30));
      assertThat(health.status()).as(health.body()).isEqualTo(200);
      assertThat(health.json().path("version").asInt()).isEqualTo(1);
      assertThat(health.json().path("start_to_ready_ms").asLong()).isPositive();
      assertThat(client.search(Published.queries().get(0), "").status()).isEqualTo(200);
      assertThat(client.get("/v1/health").json().path("start_to_first_answer_ms").asLong())
          .isGreaterThanOrEqualTo(health.json().path("start_to_ready_ms").asLong());
      assertThat(node.log()).contains("Ready: serving version 1");
    }
  }

  @Test
  void linksALocalRootsFilesIntoTheCacheInsteadOfCopyingThem() throws Exception {
    Path root = tmp.resolve("index");
    Published.publish(root, "hybrid-pq", 3);
    Path cache = tmp.resolve("cache");
    try (NodeProcess node = NodeProcess.start(root.toString(), cache, FAST_POLL, Map.of())) {
      node.client().await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(30));
      JsonNode fetched = node.client().get("/v1/stats").json().path("fetched");
      assertThat(fetched.path("files_linked").asInt()).as(fetched.toString()).isEqualTo(10);
      assertThat(fetched.path("files_downloaded").asInt()).isZero();
      assertThat(fetched.path("bytes_downloaded").asLong()).isZero();
    }
    Path indexDir = root.resolve(CatalogPointer.versionDir(1)).resolve("index");
    try (var files = Files.list(indexDir)) {
      for (Path published : (Iterable<Path>) files.filter(f -> !f.endsWith(IndexManifest.FILE))::iterator) {
        assertThat(Files.isSameFile(published, cache.resolve(CatalogPointer.dirName(1)).resolve(published.getFileName())))
            .as(published.toString()).isTrue();
      }
    }
  }

  @Test
  void restartsFromAWarmCacheWithoutDownloadingAnything() throws Exception {
    Path root = tmp.resolve("index");
    Published.publish(root, "hybrid-pq", 3);
    Path cache = tmp.resolve("cache");
    // Copies, not links: the bit rot below must strike the cache's copy, not the published file.
    Map<String, String> copying = new HashMap<>(FAST_POLL);
    copying.put("cache-link", "false");
    JsonNode cold;
    try (NodeProcess node = NodeProcess.start(root.toString(), cache, copying, Map.of())) {
      node.client().await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(30));
      cold = node.client().get("/v1/stats").json().path("fetched");
    }
    assertThat(cold.path("files_downloaded").asInt()).isEqualTo(10); // quantizer, centroids, 4 graphs, 4 vector files
    assertThat(cold.path("bytes_downloaded").asLong()).isPositive();
    try (NodeProcess node = NodeProcess.start(root.toString(), cache, copying, Map.of())) {
      NodeClient.Answer health = node.client().await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(30));
      assertThat(health.status()).isEqualTo(200);
      JsonNode warm = node.client().get("/v1/stats").json().path("fetched");
      assertThat(warm.path("files_downloaded").asInt()).as(warm.toString()).isZero();
      assertThat(warm.path("bytes_downloaded").asLong()).isZero();
      assertThat(warm.path("files_reused").asInt()).isEqualTo(10);
    }

    // Bit rot in the cache (a flipped byte, size and time unchanged) passes the start's record check;
    // the scrub after readiness reads the file again, and the node fetches a good copy and reloads.
    Path cached;
    try (var files = Files.list(cache.resolve(CatalogPointer.dirName(1)))) {
      cached = files.filter(f -> f.getFileName().toString().endsWith(".qph")).sorted().findFirst().orElseThrow();
    }
    java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(cached);
    byte[] graph = Files.readAllBytes(cached);
    graph[graph.length / 2] ^= 0x10;
    Files.write(cached, graph);
    Files.setLastModifiedTime(cached, time);
    try (NodeProcess node = NodeProcess.start(root.toString(), cache, copying, Map.of())) {
      assertThat(node.client().await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(30)).status()).isEqualTo(200);
      NodeClient.Answer reloaded = node.client().await("/v1/stats",
          a -> a.json().path("fetched").path("files_downloaded").asInt() == 1, Duration.ofSeconds(30));
      assertThat(reloaded.json().path("fetched").path("files_downloaded").asInt()).as(reloaded.body()).isEqualTo(1);
      assertThat(node.client().get("/metrics").body()).contains("quantpipe_cache_scrub_failures_total 1.0");
      assertThat(node.log()).contains("failed their check when read again: [" + cached.getFileName() + "]");
      assertThat(Files.readAllBytes(cached)).isNotEqualTo(graph);
    }

    // Held-out queries that fail their check only disable the benchmark: the version is still served.
    Path queries = root.resolve(CatalogPointer.versionDir(1)).resolve("stages/queries.fvecs");
    byte[] bytes = Files.readAllBytes(queries);
    bytes[100] ^= 1;
    Files.write(queries, bytes);
    try (NodeProcess node = NodeProcess.start(root.toString(), cache, copying, Map.of())) {
      assertThat(node.client().await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(30)).status()).isEqualTo(200);
      NodeClient.Answer benchmark = node.client().post("/v1/benchmark", "{}");
      assertThat(benchmark.status()).as(benchmark.body()).isEqualTo(409);
      assertThat(benchmark.json().path("error").asText()).contains("version 1 has no usable held-out queries",
          "stages/queries.fvecs", "checksum mismatch");
      assertThat(node.client().search(Published.queries().get(0), "").status()).isEqualTo(200);
    }
  }

  @Test
  void refusesAVersionWithACorruptPartitionAndKeepsServingTheOldOne() throws Exception {
    Path root = tmp.resolve("index");
    CatalogPointer v1 = Published.publish(root, "sq8", 1);
    CatalogPointer v2 = Published.publish(root, "sq8", 2);
    LocalPublisher.switchPointer(root, v1); // serve 1 first; 2 is switched to once its file is damaged
    Path partition = root.resolve(CatalogPointer.versionDir(2)).resolve("index").resolve("part-00001.qph");
    byte[] bytes = Files.readAllBytes(partition);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(partition, bytes);
    try (NodeProcess node = NodeProcess.start(root.toString(), tmp.resolve("cache"), FAST_POLL, Map.of())) {
      NodeClient client = node.client();
      client.await("/v1/health", a -> a.status() == 200, Duration.ofSeconds(30));
      LocalPublisher.switchPointer(root, v2);
      NodeClient.Answer versions = client.await("/v1/versions", a -> a.json().path("refused").size() > 0,
          Duration.ofSeconds(20));
      JsonNode refusal = versions.json().path("refused").get(0);
      assertThat(refusal.path("version").asInt()).isEqualTo(2);
      assertThat(refusal.path("reason").asText()).contains("part-00001.qph").contains("checksum mismatch");
      assertThat(versions.json().path("serving").asInt()).isEqualTo(1);
      NodeClient.Answer search = client.search(Published.queries().get(0), "");
      assertThat(search.status()).isEqualTo(200);
      assertThat(search.json().path("version").asInt()).isEqualTo(1);
      assertThat(client.get("/metrics").body()).contains("quantpipe_versions_refused_total 1.0")
          .contains("quantpipe_served_version 1.0");
      assertThat(node.log()).contains("Refused version 2");
      Thread.sleep(600); // several polls: the refused version is not fetched again
      assertThat(client.get("/metrics").body()).contains("quantpipe_versions_refused_total 1.0");
      assertThat(tmp.resolve("cache").resolve("v-000002")).doesNotExist();
      assertThat(partition).exists(); // the refused link is gone, the published file is not
    }
  }
}
