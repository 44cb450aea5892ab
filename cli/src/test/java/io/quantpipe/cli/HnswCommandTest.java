package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HnswCommandTest {
  @TempDir
  Path dir;

  private final String data = TestData.siftsmall().toString();

  @Test
  void buildsWritesReopensAndReportsEachEf() throws IOException {
    Path graph = dir.resolve("sift.qph");
    Path json = dir.resolve("hnsw.jsonl");
    CliRun r = CliRun.of("hnsw", "--data", data, "--quantizer", "sq8", "--ef-construction", "100", "--ef", "16,64",
        "--repeat", "1", "--out", graph.toString(), "--json", json.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("siftsmall", "inserts/s", "opened and answered in");
    assertThat(dir.resolve("sift.qpa")).exists();
    List<String> lines = Files.readAllLines(json);
    assertThat(lines).hasSize(2);
    JsonNode row = new ObjectMapper().readTree(lines.get(1));
    for (String field : List.of("method", "params", "recall@1", "recall@10", "qps", "build_seconds",
        "inserts_per_second", "index_bytes", "bytes_per_vector", "load_ms")) {
      assertThat(row.has(field)).as(field).isTrue();
    }
    assertThat(row.get("method").asText()).isEqualTo("hnsw");
    JsonNode params = row.get("params");
    assertThat(params.get("quantizer").asText()).isEqualTo("sq8");
    assertThat(params.get("M").asInt()).isEqualTo(16);
    assertThat(params.get("ef_construction").asInt()).isEqualTo(100);
    assertThat(params.get("ef").asInt()).isEqualTo(64);
    assertThat(params.get("oversample").asInt()).isEqualTo(4);
    assertThat(row.get("recall@10").asDouble()).isGreaterThan(0.95);
    assertThat(row.get("vector_memory_ratio").asDouble()).isLessThan(0.30);
    assertThat(row.get("index_bytes").asLong()).isEqualTo(Files.size(graph));

    CliRun served = CliRun.of("hnsw", "--data", data, "--load", graph.toString(), "--ef", "64", "--repeat", "1",
        "--skip-checksum");
    assertThat(served.code()).as(served.err()).isZero();
    assertThat(served.out()).contains("quantizer=sq8").doesNotContain("inserts/s");
  }

  @Test
  void printsAProgressLinePerStepForAnyK() {
    CliRun r = CliRun.of("hnsw", "--data", data, "--k", "5", "--ef-construction", "40", "--ef", "16,32",
        "--repeat", "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("[1/3] built 10,000 nodes", "[2/3] ef 16: ", "[3/3] ef 32: ", "recall@1 ")
        .doesNotContain("recall@10");
  }

  @Test
  void refusesAFileThatFailsItsChecks() throws IOException {
    Path graph = dir.resolve("g.qph");
    CliRun built = CliRun.of("hnsw", "--data", data, "--ef-construction", "40", "--ef", "16", "--repeat", "1",
        "--out", graph.toString());
    assertThat(built.code()).as(built.err()).isZero();
    byte[] good = Files.readAllBytes(graph);
    byte[] bytes = good.clone();
    bytes[bytes.length / 3] ^= 0x40;
    Files.write(graph, bytes);
    CliRun r = CliRun.of("hnsw", "--data", data, "--load", graph.toString(), "--ef", "16", "--repeat", "1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("error:", "g.qph", "checksum mismatch");
    assertThat(r.out()).isEmpty();

    Files.write(graph, good);
    CliRun wrongData = CliRun.of("hnsw", "--data", data, "--metric", "ip", "--load", graph.toString(), "--ef", "16");
    assertThat(wrongData.code()).isEqualTo(2);
    assertThat(wrongData.err()).contains("graph metric l2 does not match the expected ip");
  }

  @Test
  void rejectsBadOptions() {
    assertThat(CliRun.of("hnsw", "--data", data, "--quantizer", "hybrid-sq8").err()).contains("base quantizer");
    assertThat(CliRun.of("hnsw", "--data", data, "--ef", "0").err()).contains("must be positive");
    assertThat(CliRun.of("hnsw", "--data", data, "--build-scores", "x").err()).contains("--build-scores must be float or codes; got 'x'");
    assertThat(CliRun.of("hnsw", "--data", data, "--out", "a", "--load", "b").err()).contains("exclude each other");
  }
}
