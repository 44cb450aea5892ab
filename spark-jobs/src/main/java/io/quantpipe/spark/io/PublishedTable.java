package io.quantpipe.spark.io;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The index root's Delta table, {@code ROOT/table}: the codes of every published version, one
 * overwrite commit per version (partitioned by {@code partition}, the shard schema). Each
 * manifest names its commit ({@code delta_table.version}): after a rollback the current codes are
 * that commit, not the latest. {@code versionAsOf} reads an older version's codes, whatever
 * strategy wrote them, even after retention deleted its version directory, until a Delta
 * {@code VACUUM} removes their files. Each commit carries {@code userMetadata}
 * "quantpipe version N", so a retried publish finds its commit instead of making a second one.
 * Single writer (the pipeline's publish stage), as the version catalog itself.
 */
public final class PublishedTable {
  /** The table's directory under the index root. */
  public static final String NAME = "table";
  private static final String METADATA = "quantpipe version ";

  private PublishedTable() {}

  /** The table under {@code rootUri}. */
  public static String uri(String rootUri) {
    return new Path(rootUri, NAME).toString();
  }

  /**
   * Commits the Parquet shards at {@code shardsUri} as published version {@code version}'s codes
   * (or finds the commit an earlier attempt made) and returns the Delta commit version.
   */
  public static long commit(SparkSession spark, String shardsUri, String tableUri, int version) {
    long existing = commitOf(spark, tableUri, version);
    if (existing >= 0) {
      return existing;
    }
    spark.sparkContext().setJobGroup("publish", "publish: version " + version + " into the Delta table", false);
    spark.read().parquet(shardsUri).repartition(col("partition")).write().format("delta").partitionBy("partition")
        .mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true") // a migration may change the strategy, and with it the rows
        .option("userMetadata", METADATA + version)
        .save(tableUri);
    long commit = commitOf(spark, tableUri, version);
    if (commit < 0) {
      throw new IllegalStateException("The Delta commit of version " + version + " is missing from " + tableUri);
    }
    return commit;
  }

  /** The Delta commit holding published version {@code version}'s codes, or -1 when none does. */
  public static long commitOf(SparkSession spark, String tableUri, int version) {
    if (!DeltaTable.isDeltaTable(spark, tableUri)) {
      return -1;
    }
    List<Row> rows = DeltaTable.forPath(spark, tableUri).history()
        .where(col("userMetadata").equalTo(METADATA + version)).select("version").collectAsList();
    return rows.stream().mapToLong(r -> r.getLong(0)).max().orElse(-1);
  }

  /** The codes as Delta commit {@code commit} holds them (time travel). */
  public static Dataset<Row> read(SparkSession spark, String tableUri, long commit) {
    return spark.read().format("delta").option("versionAsOf", commit).load(tableUri);
  }
}
