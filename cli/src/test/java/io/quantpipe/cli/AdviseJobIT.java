package io.quantpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.spark.SparkTestBase;
import io.quantpipe.spark.advise.AdviseCommand;
import io.quantpipe.spark.advise.AdviseJob;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Spark advise on a Parquet table gives the local advise's sample and figures, and reports bad rows. */
class AdviseJobIT extends SparkTestBase {
  private static final String[] GRID = {"--metric", "l2", "--corpus-size", "5000000", "--max-memory-gb", "4",
      "--target-recall", "0.9", "--strategies", "sq8,hybrid-sq4,pq", "--oversample-grid", "2", "--pq-m-grid", "16",
      "--sample", "3000", "--queries", "40"};

  @TempDir
  Path dir;

  @Test
  void aTableSampledInSparkGetsTheLocalAdviceAndItsBadRowsAreCounted() throws IOException {
    FloatVectors base = FvecsReader.readFvecs(SIFTSMALL.resolve("base.fvecs"));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < base.count(); i++) {
      rows.add(row(i, base.get(i)));
    }
    float[] nan = base.get(0).clone();
    nan[5] = Float.NaN;
    rows.add(row(10_000, nan));
    rows.add(row(10_001, new float[3]));
    rows.add(row(10_002, base.get(1)));
    rows.add(row(10_002, base.get(2)));
    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("vector", DataTypes.createArrayType(DataTypes.FloatType, true));
    Path table = dir.resolve("corpus.parquet");
    spark.createDataFrame(rows, schema).repartition(4).write().parquet(table.toString());

    Path sparkJson = dir.resolve("spark.json");
    StringWriter out = new StringWriter();
    int code = advise(out, "--table", table.toString(), "--sample-out", dir.resolve("spark-sample").toString(),
        "--json", sparkJson.toString());
    assertThat(code).as(out.toString()).isZero();
    assertThat(out.toString()).contains("4 rows of ", "rejected and not sampled: {NaN, infinite or null element=1, "
        + "dimension 3, expected 128=1, duplicate id (2 rows)=2}", "sample of 3,000 of 10,000 vectors");

    Path corpus = dir.resolve("corpus");
    Files.createDirectories(corpus);
    Files.copy(SIFTSMALL.resolve("base.fvecs"), corpus.resolve("base.fvecs"));
    Path localJson = dir.resolve("local.json");
    List<String> local = new ArrayList<>(List.of("advise", "--data", corpus.toString(), "--sample-out",
        dir.resolve("local-sample").toString(), "--json", localJson.toString()));
    local.addAll(Arrays.asList(GRID));
    assertThat(QuantpipeCli.run(local.toArray(String[]::new))).isZero();

    assertThat(Files.readAllBytes(dir.resolve("spark-sample").resolve("base.fvecs")))
        .isEqualTo(Files.readAllBytes(dir.resolve("local-sample").resolve("base.fvecs")));
    JsonNode s = new ObjectMapper().readTree(sparkJson.toFile());
    JsonNode l = new ObjectMapper().readTree(localJson.toFile());
    assertThat(s.get("candidates").size()).isEqualTo(l.get("candidates").size()).isEqualTo(3);
    for (int i = 0; i < l.get("candidates").size(); i++) {
      for (String field : List.of("method", "params", "recall@10", "projected_memory_gb")) {
        assertThat(s.get("candidates").get(i).get(field)).as(field).isEqualTo(l.get("candidates").get(i).get(field));
      }
    }
    assertThat(s.get("recommendation").get("method")).isEqualTo(l.get("recommendation").get("method"));
  }

  @Test
  void aMissingTableIsNamed() throws IOException {
    StringWriter err = new StringWriter();
    AdviseCommand command = new AdviseCommand();
    List<String> args = new ArrayList<>(List.of("--table", dir.resolve("nowhere").toString()));
    args.addAll(Arrays.asList(GRID));
    new CommandLine(command).parseArgs(args.toArray(String[]::new));
    assertThat(AdviseJob.advise(spark, command, new PrintWriter(new StringWriter()), new PrintWriter(err, true))).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("advise: Input " + dir.resolve("nowhere") + " does not exist (option 'input')");
  }

  private int advise(StringWriter out, String... args) throws IOException {
    AdviseCommand command = new AdviseCommand();
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(Arrays.asList(GRID));
    new CommandLine(command).parseArgs(all.toArray(String[]::new));
    return AdviseJob.advise(spark, command, new PrintWriter(out, true), new PrintWriter(System.err, true));
  }

  private static Row row(long id, float[] v) {
    Float[] boxed = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      boxed[i] = v[i];
    }
    return RowFactory.create(id, Arrays.asList(boxed));
  }
}
