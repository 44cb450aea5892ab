package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.TestData;
import io.quantpipe.catalog.LocalPublisher;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drift replay on real SIFT vectors: quiet while the stream is stable, firing once it has shifted. */
class DriftReplayCommandTest {
  @TempDir
  Path tmp;

  @Test
  void firesOnlyAfterTheShift() throws Exception {
    FloatVectors base = TestData.siftBase(2000);
    var pq = PqTrainer.train(base, Similarity.EUCLIDEAN, new PqParams(16, 8, 3), 1, 1);
    Path root = tmp.resolve("index");
    // The baseline is measured on vectors the quantizer was not trained on, as the pipeline does.
    LocalPublisher.publish(root, base, LongStream.range(0, base.count()).toArray(), Similarity.EUCLIDEAN,
        QuantizerCodec.read(QuantizerCodec.toBytes(pq, "{}"), "t"), FvecsReader.readFvecs(TestData.siftsmall().resolve("query.fvecs")), "pq",
        new HnswConfig(8, 32, 1), 2);
    Path json = tmp.resolve("drift.jsonl");
    CliRun run = CliRun.of("drift-replay", "--index", root.toString(), "--data", TestData.siftsmall().toString(),
        "--records", "6000", "--stable", "3000", "--ramp", "1000", "--shift", "2", "--window", "500",
        "--json", json.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("12 windows of 500 vectors");
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(json)) {
      rows.add(new ObjectMapper().readTree(line));
    }
    assertThat(rows).hasSize(12);
    assertThat(rows.subList(0, 6)).allMatch(r -> !r.path("drifted").asBoolean() && r.path("shift_fraction").asDouble() == 0);
    assertThat(rows.subList(8, 12)).allMatch(r -> r.path("drifted").asBoolean() && r.path("shift_fraction").asDouble() == 1);
    assertThat(rows.get(11).path("reason").asText()).contains("error ratio");
  }

  @Test
  void nothingPublishedIsAClearError() {
    CliRun run = CliRun.of("drift-replay", "--index", tmp.toString(), "--data", TestData.siftsmall().toString(),
        "--json", tmp.resolve("x.jsonl").toString());
    assertThat(run.code()).isNotZero();
    assertThat(run.err()).contains("Nothing is published under " + tmp);
  }
}
