package io.quantpipe.cli;


import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quantpipe advise} on the bundled siftsmall: the recommendation, re-measured by {@code evaluate}, holds. */
class AdviseCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path shared;

  /** The full grid, once: 1M vectors of siftsmall's kind in 0.5 GB at recall@10 0.95. */
  private static JsonNode full;

  @TempDir
  Path dir;

  @BeforeAll
  static void adviseFullGrid() throws IOException {
    Path json = shared.resolve("advice.json");
    CliRun r = CliRun.of("advise", "--data", TestData.siftsmall().toString(), "--metric", "l2", "--corpus-size", "1000000",
        "--max-memory-gb", "0.5", "--target-recall", "0.95", "--json", json.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("recommendation: ", "re-measure: bin/quantpipe evaluate", "Pareto front");
    full = JSON.readTree(json.toFile());
  }

  @Test
  void jsonHoldsTheRecommendationAndEveryCandidateInEvaluatesForm() {
    JsonNode rec = full.get("recommendation");
    for (String field : List.of("method", "params", "recall@10", "projected_memory_gb", "reason")) {
      assertThat(rec.has(field)).as(field).isTrue();
    }
    JsonNode candidates = full.get("candidates");
    // none, sq8, sq4, sq2, bq, bq-centred, rabitq-4; pq and pq4 at M = 8, 16, 32; hybrids of sq8/sq4/sq2/bq, of pq
    // at 3 M and of rabitq-1, x 4 factors
    assertThat(candidates.size()).isEqualTo(7 + 3 + 3 + (4 + 3 + 1) * 4);
    for (JsonNode c : candidates) {
      for (String field : List.of("method", "params", "recall@10", "projected_memory_gb", "reason")) {
        assertThat(c.has(field)).as(c + " " + field).isTrue();
      }
    }
    assertThat(rec.get("meets_target").asBoolean()).isTrue();
    assertThat(rec.get("reason").asText()).contains("is the cheapest in memory");
  }

  @Test
  void recommendationReMeasuredIndependentlyMeetsTheTargetAndNothingCheaperDoes() throws IOException {
    JsonNode rec = full.get("recommendation");
    List<String> args = new ArrayList<>(Arrays.asList(rec.get("evaluate_command").asText().split(" ")));
    assertThat(args.subList(0, 2)).containsExactly("bin/quantpipe", "evaluate");
    Path out = dir.resolve("again.jsonl");
    args = new ArrayList<>(args.subList(1, args.size()));
    args.addAll(List.of("--json", out.toString()));
    CliRun again = CliRun.of(args.toArray(String[]::new));
    assertThat(again.code()).as(again.err()).isZero();
    JsonNode measured = JSON.readTree(Files.readAllLines(out).get(0));
    assertThat(measured.get("method").asText()).isEqualTo(rec.get("method").asText());
    assertThat(measured.get("recall@10").asDouble()).isEqualTo(rec.get("recall@10").asDouble()).isGreaterThanOrEqualTo(0.95);
    double memory = rec.get("projected_memory_gb").asDouble();
    assertThat(memory).isLessThanOrEqualTo(0.5);
    for (JsonNode c : full.get("candidates")) {
      if (c.get("recall@10").asDouble() >= 0.95 && c.get("projected_memory_gb").asDouble() <= 0.5) {
        assertThat(c.get("projected_memory_gb").asDouble()).as(c.toString()).isGreaterThanOrEqualTo(memory);
      }
    }
  }

  @Test
  void whenNothingMeetsTheTargetTheClosestIsNamedWithWhatMustGive() throws IOException {
    Path json = dir.resolve("advice.json");
    CliRun r = CliRun.of("advise", "--data", TestData.siftsmall().toString(), "--metric", "l2", "--corpus-size", "1000000",
        "--max-memory-gb", "0.2", "--target-recall", "0.99", "--strategies", "none,bq,hybrid-bq", "--oversample-grid", "2", "--json", json.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode rec = JSON.readTree(json.toFile()).get("recommendation");
    assertThat(rec.get("meets_target").asBoolean()).isFalse();
    assertThat(rec.get("reason").asText()).contains("No evaluated strategy reaches recall@10 >= 0.99 within 0.2 GB",
        "The closest is hybrid-bq x2", "it misses by recall@10", "allow 0.67 GB of memory (none reaches recall@10 1.0000 there)",
        "accept recall@10");
  }

  @Test
  void withoutQueriesSampleVectorsAreHeldOutAndTheSampleIsWrittenForReMeasuring() throws IOException {
    Path data = dir.resolve("corpus");
    Files.createDirectories(data);
    Files.copy(TestData.siftsmall().resolve("base.fvecs"), data.resolve("base.fvecs"));
    Path sampleDir = dir.resolve("sample");
    Path json = dir.resolve("advice.json");
    String[] args = {"advise", "--data", data.toString(), "--metric", "l2", "--corpus-size", "5000000", "--max-memory-gb", "4",
        "--target-recall", "0.9", "--strategies", "sq8,hybrid-sq4", "--oversample-grid", "2", "--sample", "4000",
        "--queries", "50", "--sample-out", sampleDir.toString(), "--json", json.toString()};
    CliRun r = CliRun.of(args);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("sample of 4,000 of 10,000 vectors", "50 queries (held out");
    assertThat(Files.size(sampleDir.resolve("query.fvecs"))).isEqualTo(50L * (4 + 4 * 128));
    assertThat(Files.size(sampleDir.resolve("base.fvecs"))).isEqualTo(4000L * (4 + 4 * 128));
    JsonNode first = JSON.readTree(json.toFile());
    assertThat(first.get("recommendation").get("evaluate_command").asText()).contains("--data " + sampleDir);
    byte[] sampled = Files.readAllBytes(sampleDir.resolve("base.fvecs"));

    // The same seed draws the same sample and measures the same recalls.
    CliRun again = CliRun.of(args);
    assertThat(again.code()).isZero();
    assertThat(Files.readAllBytes(sampleDir.resolve("base.fvecs"))).isEqualTo(sampled);
    JsonNode second = JSON.readTree(json.toFile());
    for (int i = 0; i < first.get("candidates").size(); i++) {
      assertThat(second.get("candidates").get(i).get("recall@10")).isEqualTo(first.get("candidates").get(i).get("recall@10"));
    }
  }

  @Test
  void tooFewVectorsToHoldOutQueriesIsAClearError() throws IOException {
    Path data = dir.resolve("tiny");
    Files.createDirectories(data);
    byte[] base = Files.readAllBytes(TestData.siftsmall().resolve("base.fvecs"));
    Files.write(data.resolve("base.fvecs"), Arrays.copyOf(base, 40 * (4 + 4 * 128)));
    CliRun r = CliRun.of("advise", "--data", data.toString(), "--metric", "l2", "--corpus-size", "1000", "--max-memory-gb", "1",
        "--target-recall", "0.9");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: The corpus holds 40 vectors: too few to hold out 500 as queries and still "
        + "search 10 neighbours (lower --queries or give a query set)");
  }

  @Test
  void aZeroVectorUnderCosineNamesItsRecord() throws IOException {
    Path data = dir.resolve("zero");
    Files.createDirectories(data);
    byte[] base = Files.readAllBytes(TestData.siftsmall().resolve("base.fvecs"));
    ByteBuffer b = ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 128; i++) {
      b.putFloat((4 + 4 * 128) * 7 + 4 + 4 * i, 0f);
    }
    Files.write(data.resolve("base.fvecs"), base);
    CliRun r = CliRun.of("advise", "--data", data.toString(), "--metric", "cosine", "--corpus-size", "1000", "--max-memory-gb",
        "1", "--target-recall", "0.9");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: " + data.resolve("base.fvecs") + ": record 7:").contains("zero");
  }

  @Test
  void badOptionsNameTheOptionAndValue() {
    String data = TestData.siftsmall().toString();
    String[] base = {"advise", "--data", data, "--metric", "l2", "--corpus-size", "1000000"};
    assertThat(run(base, "--max-memory-gb", "1", "--target-recall", "1.5"))
        .isEqualTo("error: --target-recall must be in (0, 1]; got 1.5");
    assertThat(run(base, "--max-memory-gb", "-2", "--target-recall", "0.9"))
        .isEqualTo("error: --max-memory-gb must be a positive number of GB; got -2.0");
    assertThat(run(base, "--max-memory-gb", "1", "--target-recall", "0.9", "--oversample-grid", "0"))
        .isEqualTo("error: --oversample-grid values must be at least 1; got 0");
    assertThat(run(base, "--max-memory-gb", "1", "--target-recall", "0.9", "--pq-m-grid", "12"))
        .isEqualTo("error: --pq-m-grid value 12 does not divide the dimension 128");
    assertThat(run(new String[] {"advise", "--metric", "l2", "--corpus-size", "10", "--max-memory-gb", "1", "--target-recall",
        "0.9"})).startsWith("error: Give --data DIR");
  }

  private static String run(String[] base, String... more) {
    String[] args = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    CliRun r = CliRun.of(args);
    assertThat(r.code()).as(r.out()).isEqualTo(2);
    return r.err().strip();
  }
}
