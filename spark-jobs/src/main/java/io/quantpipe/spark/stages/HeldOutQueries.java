package io.quantpipe.spark.stages;

import io.quantpipe.spark.io.VectorBlocks;
import io.quantpipe.vector.FloatVectors;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The evaluation queries of an input without a query file: the rows whose seeded id hash falls
 * below the hold-out threshold ({@link VectorBlocks#isHeldOut}), which the index leaves out.
 */
final class HeldOutQueries {
  private HeldOutQueries() {}

  /** About {@code wanted} held-out rows, read back from the canonical input table. */
  static FloatVectors read(SparkSession spark, String inputTable, int dim, long seed, long below, int wanted) {
    List<Row> rows = spark.read().parquet(inputTable).select("id", "vector").toJavaRDD()
        .filter(r -> VectorBlocks.isHeldOut(r.getLong(0), seed, below)).collect();
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("No queries: the input has no query file and no rows were held out");
    }
    int n = Math.min(wanted, rows.size());
    float[] data = new float[n * dim];
    for (int i = 0; i < n; i++) {
      List<Float> v = rows.get(i).getList(1);
      for (int j = 0; j < dim; j++) {
        data[i * dim + j] = v.get(j);
      }
    }
    return new FloatVectors(data, dim);
  }
}
