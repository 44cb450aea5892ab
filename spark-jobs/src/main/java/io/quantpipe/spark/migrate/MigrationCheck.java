package io.quantpipe.spark.migrate;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Before a migrated version is published: the same rows as the current version, in Spark, never
 * collected. Both versions' input tables have the same row count, and their shards the same ids
 * (the count of ids in either and not both is zero). A failure names the counts and a few
 * differing ids; the caller then leaves the new version unpublished.
 *
 * @param inputRows rows of the (common) input table
 * @param indexedRows rows of the (common) shards
 */
public record MigrationCheck(long inputRows, long indexedRows) {
  private static final int EXAMPLES = 5;

  /**
   * Compares the version directories {@code current} and {@code migrated}.
   *
   * @throws IllegalStateException when counts or ids differ
   */
  public static MigrationCheck verify(SparkSession spark, String current, String migrated) {
    spark.sparkContext().setJobGroup("migrate", "migrate: ids and counts of " + migrated + " against " + current, false);
    long inputBefore = spark.read().parquet(current + "/input").count();
    long inputAfter = spark.read().parquet(migrated + "/input").count();
    Dataset<Row> before = spark.read().parquet(current + "/shards").select(col("id"));
    Dataset<Row> after = spark.read().parquet(migrated + "/shards").select(col("id"));
    long rowsBefore = before.count();
    long rowsAfter = after.count();
    Dataset<Row> missing = before.except(after);
    Dataset<Row> added = after.except(before);
    long nMissing = missing.count();
    long nAdded = added.count();
    if (inputBefore != inputAfter || rowsBefore != rowsAfter || nMissing > 0 || nAdded > 0) {
      throw new IllegalStateException(String.format("Migration check failed: the current version has %,d input rows and "
          + "%,d indexed, the migrated one %,d and %,d; %,d ids of the current version are not in the migrated one%s and "
          + "%,d ids are new%s. The migrated version %s is not published", inputBefore, rowsBefore, inputAfter, rowsAfter,
          nMissing, examples(missing), nAdded, examples(added), migrated));
    }
    return new MigrationCheck(inputAfter, rowsAfter);
  }

  private static String examples(Dataset<Row> ids) {
    List<Row> some = ids.orderBy(col("id")).limit(EXAMPLES).collectAsList();
    return some.isEmpty() ? ""
        : some.stream().map(r -> Long.toString(r.getLong(0))).collect(Collectors.joining(", ", " (first: ", ")"));
  }
}
