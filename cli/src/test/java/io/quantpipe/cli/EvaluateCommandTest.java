package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.TestData;
import io.quantpipe.format.QuantizerManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
  @TempDir
  Path dir;

  /** Runs the CLI: {code, stdout, stderr}. */
  private static String[] run(String... args) {
    CliRun r = CliRun.of(args);
    return new String[] {String.valueOf(r.code()), r.out(), r.err()};
  }

  @Test
  void evaluatesPrintsTableWritesJsonLinesAndArtifacts() throws IOException {
    Path json = dir.resolve("out").resolve("eval.jsonl");
    Path artifacts = dir.resolve("artifacts");
    String[] r = run("evaluate", "--data", TestData.siftsmall().toString(), "--metric", "l2", "--k", "10",
        "--strategies", "none,sq8,hybrid-bq", "--repeat", "1", "--json", json.toString(), "--artifacts", artifacts.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("siftsmall: n=10000 d=128 queries=100 metric=l2 k=10 ground truth=file", "hybrid-bq");
    List<String> lines = Files.readAllLines(json);
    assertThat(lines).hasSize(3);
    JsonNode sq8 = new ObjectMapper().readTree(lines.get(1));
    for (String field : List.of("method", "params", "bytes_per_vector", "code_bytes_per_vector", "compression_ratio",
        "recall@1", "recall@10", "recall@100", "train_seconds", "build_seconds", "query_seconds", "qps",
        "precision@10", "ndcg@10", "map@10")) {
      assertThat(sq8.has(field)).as(field).isTrue();
    }
    assertThat(sq8.get("method").asText()).isEqualTo("sq8");
    assertThat(sq8.get("recall@10").asDouble()).isGreaterThan(0.98);
    assertThat(sq8.get("recall@100").isNull()).isTrue(); // k < 100
    JsonNode hybrid = new ObjectMapper().readTree(lines.get(2));
    assertThat(hybrid.get("params").get("oversample").asInt()).isEqualTo(4);
    assertThat(hybrid.get("rescore_float_bytes").asLong()).isEqualTo(4L * 128 * 10_000);
    assertThat(QuantizerManifest.verify(artifacts.resolve("sq8").resolve("manifest.json")).quantizer().dimension()).isEqualTo(128);
    assertThat(Files.exists(artifacts.resolve("none"))).isFalse();
  }

  @Test
  void badInputExitsTwoWithOneLineAndWritesNothing() throws IOException {
    Path data = dir.resolve("bad");
    Files.createDirectories(data);
    Files.copy(TestData.siftsmall().resolve("base.fvecs"), data.resolve("base.fvecs"));
    byte[] query = Files.readAllBytes(TestData.siftsmall().resolve("query.fvecs"));
    java.nio.ByteBuffer.wrap(query).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(4 + 516 * 3 + 4 * 7, Float.NaN);
    Files.write(data.resolve("query.fvecs"), query);
    Path json = dir.resolve("eval.jsonl");
    String[] r = run("evaluate", "--data", data.toString(), "--strategies", "sq8", "--json", json.toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2].strip()).isEqualTo("error: " + data.resolve("query.fvecs") + ": record 3: dimension 7 is NaN (NaN and infinity are not vectors)");
    assertThat(Files.exists(json)).isFalse();
  }

  @Test
  void unknownStrategyMetricAndMissingFilesAreNamed() {
    String data = TestData.siftsmall().toString();
    assertThat(run("evaluate", "--data", data, "--strategies", "sq9")[2]).startsWith("error: Unknown strategy 'sq9'");
    assertThat(run("evaluate", "--data", data, "--metric", "manhattan")[2]).startsWith("error: Unknown metric 'manhattan'");
    assertThat(run("evaluate", "--data", data, "--strategies", "pq", "--pq-m", "12")[2])
        .startsWith("error: Cannot split dimension 128 into 12 PQ subspaces");
    String[] missing = run("evaluate", "--data", dir.toString());
    assertThat(missing[0]).isEqualTo("2");
    assertThat(missing[2]).startsWith("error: " + dir.resolve("base.fvecs") + ": missing");
  }

  @Test
  void helpListsCommands() {
    String[] r = run("--help");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("evaluate");
  }
}
