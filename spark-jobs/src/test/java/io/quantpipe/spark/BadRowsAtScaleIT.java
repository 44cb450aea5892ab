package io.quantpipe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.spark.jobs.ImportJob;
import io.quantpipe.spark.jobs.Pipeline;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline over a Parquet table of 1,000,000 ids (8 dims, so that it runs in minutes)
 * with 0.05% bad rows, 100 of each kind: a wrong dimension, a NaN, a null vector, a null id, and a
 * second row for an id already present. Every bad row lands in {@code rejected/} with its reason
 * (both rows of a duplicated id: which one is right is not ours to guess), every good row is in the
 * index exactly once, and the counts add up exactly: rows read = indexed + rejected.
 */
class BadRowsAtScaleIT extends SparkTestBase {
  private static final long IDS = 1_000_000;
  private static final int DIM = 8;
  /** Bad rows are the ids with {@code id % PERIOD} in 1..5, one kind each: 100 of each kind. */
  private static final long PERIOD = 10_000;
  private static final long PER_KIND = IDS / PERIOD;

  @TempDir
  Path tmp;

  @Test
  @Timeout(900)
  void everyBadRowIsRejectedWithItsReasonAndEveryGoodRowIsIndexedOnce() throws Exception {
    String table = tmp.resolve("corpus").toString();
    String vector = "array(" + IntStream.range(0, DIM)
        .mapToObj(j -> String.format("cast(sin(id * %d.%d + %d) as float)", j + 1, 37 + j, j))
        .collect(Collectors.joining(", ")) + ")";
    Dataset<Row> corpus = spark.range(0, IDS).selectExpr(
        "case when id % " + PERIOD + " = 4 then null else id end as doc_id",
        "case id % " + PERIOD
            + " when 1 then slice(" + vector + ", 1, " + (DIM - 1) + ")" // wrong dimension
            + " when 2 then transform(" + vector + ", (x, i) -> if(i = 3, float('NaN'), x))" // a NaN
            + " when 3 then cast(null as array<float>)" // null vector
            + " else " + vector + " end as embedding");
    Dataset<Row> duplicates = spark.range(0, IDS).where("id % " + PERIOD + " = 5")
        .selectExpr("id as doc_id", "transform(" + vector + ", x -> x + 1) as embedding");
    corpus.union(duplicates).repartition(8).write().parquet(table);

    Path queries = tmp.resolve("queries.fvecs");
    Random random = new Random(42);
    float[] q = new float[20 * DIM];
    for (int i = 0; i < q.length; i++) {
      q[i] = (float) (2 * random.nextDouble() - 1);
    }
    FvecsWriter.writeFvecs(queries, new FloatVectors(q, DIM));

    PipelineResult r = Pipeline.run(spark, options(tmp.resolve("index").toString(),
        PipelineOptions.INPUT, table, PipelineOptions.ID_COLUMN, "doc_id", PipelineOptions.VECTOR_COLUMN, "embedding",
        PipelineOptions.QUERIES, queries.toString(), PipelineOptions.STRATEGY, "sq8",
        PipelineOptions.PARTITIONS, "10", PipelineOptions.HNSW_EF_CONSTRUCTION, "32",
        PipelineOptions.DELTA, "false", PipelineOptions.INCLUDE_VECTORS, "false"));

    ImportJob.Result imported = r.imported();
    assertThat(imported.rows()).isEqualTo(IDS + PER_KIND);
    assertThat(imported.rejectedByReason()).containsOnly(
        Map.entry("dimension " + (DIM - 1) + ", expected " + DIM, PER_KIND),
        Map.entry(ImportJob.NON_FINITE, PER_KIND),
        Map.entry(ImportJob.NULL_VECTOR, PER_KIND),
        Map.entry(ImportJob.NULL_ID, PER_KIND),
        Map.entry("duplicate id (2 rows)", 2 * PER_KIND));
    assertThat(imported.rejected()).isEqualTo(6 * PER_KIND);
    assertThat(imported.valid()).isEqualTo(IDS - 5 * PER_KIND);
    assertThat(r.indexed()).as("rows read = indexed + rejected").isEqualTo(imported.rows() - imported.rejected());

    // rejected/: exactly the bad rows, each with the reason its kind gives.
    Dataset<Row> rejected = spark.read().parquet(imported.rejectedTable());
    assertThat(rejected.count()).isEqualTo(6 * PER_KIND);
    assertThat(rejected.where("id is null and reason = '" + ImportJob.NULL_ID + "'").count()).isEqualTo(PER_KIND);
    String expectedReason = "case id % " + PERIOD + " when 1 then 'dimension " + (DIM - 1) + ", expected " + DIM + "'"
        + " when 2 then '" + ImportJob.NON_FINITE + "' when 3 then '" + ImportJob.NULL_VECTOR + "'"
        + " when 5 then 'duplicate id (2 rows)' end";
    assertThat(rejected.where("id is not null and reason <=> (" + expectedReason + ")").count())
        .isEqualTo(5 * PER_KIND);

    // The index: every good id once, no bad one.
    Dataset<Row> indexed = spark.read().parquet(r.versionUri() + "/shards").select("id");
    assertThat(indexed.count()).isEqualTo(IDS - 5 * PER_KIND);
    assertThat(indexed.distinct().count()).isEqualTo(IDS - 5 * PER_KIND);
    assertThat(indexed.where("id % " + PERIOD + " between 1 and 5 or id < 0 or id >= " + IDS).count()).isZero();
  }
}
