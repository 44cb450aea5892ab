package io.quantpipe.spark.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.quantpipe.spark.io.FvecsInput;
import io.quantpipe.spark.io.InputSource;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.spark.options.PipelineOptions.InputFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * Import: reads the corpus (fvecs or a Parquet/Delta table with configurable column names) into
 * the canonical input table {@code (id: long, vector: array<float>)}, and every row it cannot use
 * into a rejected table {@code (id, reason, vector)}: null or negative id, null vector, wrong dimension, a NaN,
 * infinite or null element, or an id that occurs more than once (all its rows are rejected, so
 * neither copy wins silently). The job fails when more than {@code max-reject-fraction} of the rows
 * are rejected, or when no row is valid, after writing both tables so the user can look.
 */
public final class ImportJob {
  /** Why rows were rejected, as written to the rejected table's {@code reason} column. */
  public static final String NULL_ID = "null id";
  public static final String NEGATIVE_ID = "negative id";
  public static final String NULL_VECTOR = "null vector";
  public static final String NON_FINITE = "NaN, infinite or null element";

  private ImportJob() {}

  /**
   * What the import did.
   *
   * @param dim the corpus dimension (declared by fvecs, the most common length for tables)
   * @param rejectedByReason rejected rows per reason
   */
  public record Result(int dim, long rows, long valid, long rejected, Map<String, Long> rejectedByReason,
      String inputTable, String rejectedTable) {}

  /**
   * The corpus as read, every row classified: {@code (id, vector, reason)}, {@code reason} null
   * for a valid row. Lazy: nothing is read until an action runs.
   *
   * @param rows the classified rows
   * @param dim the corpus dimension (declared by fvecs, the most common length for tables)
   */
  public record Classified(Dataset<Row> rows, int dim) {}

  /** Reads {@code source} and classifies its rows as the import does (see the class comment). */
  public static Classified classify(SparkSession spark, PipelineOptions options, InputSource source) throws IOException {
    int splits = options.inputPartitions() > 0 ? options.inputPartitions() : spark.sparkContext().defaultParallelism();
    Dataset<Row> raw;
    int dim;
    if (source.format() == InputFormat.FVECS) {
      raw = FvecsInput.read(spark, source.corpus(), splits);
      dim = FvecsInput.shape(source.corpus(), spark.sparkContext().hadoopConfiguration()).dim();
    } else {
      raw = table(spark, options, source);
      dim = commonDimension(raw, source.corpus());
    }
    Column reason = when(col("id").isNull(), lit(NULL_ID))
        .when(col("id").lt(0), lit(NEGATIVE_ID)) // partition files key nodes by non-negative ids
        .when(col("vector").isNull(), lit(NULL_VECTOR))
        .when(size(col("vector")).notEqual(dim),
            concat(lit("dimension "), size(col("vector")).cast("string"), lit(", expected " + dim)))
        .when(expr("exists(vector, x -> x IS NULL OR isnan(x) OR x = float('Infinity') OR x = float('-Infinity'))"),
            lit(NON_FINITE));
    Dataset<Row> classified = raw.withColumn("reason", reason);
    if (source.format() != InputFormat.FVECS) { // fvecs ids are positions: unique by construction
      Dataset<Row> dups = raw.where(col("id").isNotNull()).groupBy("id").count().where(col("count").gt(1))
          .withColumnRenamed("count", "copies");
      classified = classified.join(dups, classified.col("id").equalTo(dups.col("id")), "left")
          .select(classified.col("id"), classified.col("vector"),
              when(classified.col("reason").isNull().and(col("copies").isNotNull()),
                  concat(lit("duplicate id ("), col("copies").cast("string"), lit(" rows)")))
                  .otherwise(classified.col("reason")).as("reason"));
    }
    return new Classified(classified, dim);
  }

  public static Result run(SparkSession spark, PipelineOptions options, InputSource source, String inputTable,
      String rejectedTable) throws IOException {
    spark.sparkContext().setJobGroup("import", "import " + source.corpus(), false);
    Classified read = classify(spark, options, source);
    int dim = read.dim();
    Dataset<Row> classified = read.rows();
    classified = classified.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      classified.where(col("reason").isNull()).select("id", "vector")
          .write().mode(SaveMode.Overwrite).parquet(inputTable);
      classified.where(col("reason").isNotNull()).select("id", "reason", "vector")
          .write().mode(SaveMode.Overwrite).parquet(rejectedTable);
      Map<String, Long> reasons = new LinkedHashMap<>();
      long valid = 0;
      for (Row r : classified.groupBy("reason").count().orderBy(col("count").desc(), col("reason")).collectAsList()) {
        if (r.isNullAt(0)) {
          valid = r.getLong(1);
        } else {
          reasons.put(r.getString(0), r.getLong(1));
        }
      }
      long rejected = reasons.values().stream().mapToLong(Long::longValue).sum();
      Result result = new Result(dim, valid + rejected, valid, rejected, reasons, inputTable, rejectedTable);
      check(result, options.maxRejectFraction());
      return result;
    } finally {
      classified.unpersist();
    }
  }

  static void check(Result r, double maxFraction) {
    if (r.valid() == 0) {
      throw new IllegalArgumentException(String.format(
          "Cannot build an index: no valid vectors among %d input rows (rejected: %s; see %s)",
          r.rows(), r.rejectedByReason(), r.rejectedTable()));
    }
    double fraction = (double) r.rejected() / r.rows();
    if (fraction > maxFraction) {
      throw new IllegalArgumentException(String.format(
          "%d of %d input rows (%.2f%%) were rejected, more than max-reject-fraction=%s allows: %s. The rejected rows"
              + " and their reasons are in %s", r.rejected(), r.rows(), 100 * fraction, maxFraction,
          r.rejectedByReason(), r.rejectedTable()));
    }
  }

  /** A Parquet or Delta table's id and vector columns, renamed and cast to the canonical types. */
  private static Dataset<Row> table(SparkSession spark, PipelineOptions options, InputSource source) {
    Dataset<Row> df = source.format() == InputFormat.DELTA
        ? spark.read().format("delta").load(source.corpus())
        : spark.read().parquet(source.corpus());
    StructField id = field(df, options.idColumn(), PipelineOptions.ID_COLUMN, source.corpus());
    StructField vector = field(df, options.vectorColumn(), PipelineOptions.VECTOR_COLUMN, source.corpus());
    if (!Arrays.asList(DataTypes.LongType, DataTypes.IntegerType, DataTypes.ShortType).contains(id.dataType())) {
      throw new IllegalArgumentException(String.format("Column '%s' of %s is %s; an integer id (long or int) is needed",
          id.name(), source.corpus(), id.dataType().simpleString()));
    }
    DataType element = vector.dataType() instanceof ArrayType a ? a.elementType() : null;
    if (!DataTypes.FloatType.equals(element) && !DataTypes.DoubleType.equals(element)) {
      throw new IllegalArgumentException(String.format(
          "Column '%s' of %s is %s; array<float> (or array<double>, narrowed to float) is needed",
          vector.name(), source.corpus(), vector.dataType().simpleString()));
    }
    return df.select(col(id.name()).cast("long").as("id"), col(vector.name()).cast("array<float>").as("vector"));
  }

  private static StructField field(Dataset<Row> df, String name, String key, String table) {
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(String.format("%s has no column '%s' (option '%s'); its columns are %s",
        table, name, key, Arrays.toString(df.schema().fieldNames())));
  }

  /** The most common vector length: the corpus dimension, against which other lengths are rejected. */
  private static int commonDimension(Dataset<Row> raw, String table) {
    java.util.List<Row> top = raw.where(col("vector").isNotNull()).groupBy(size(col("vector")).as("d")).count()
        .orderBy(col("count").desc(), col("d")).limit(1).collectAsList();
    if (top.isEmpty() || top.get(0).getInt(0) <= 0) {
      throw new IllegalArgumentException("Cannot import " + table + ": it holds no non-empty vectors (empty corpus)");
    }
    return top.get(0).getInt(0);
  }
}
