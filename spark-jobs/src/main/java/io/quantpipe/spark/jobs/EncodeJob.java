package io.quantpipe.spark.jobs;

import static org.apache.spark.sql.functions.col;

import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.index.CoarseQuantizer;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.vector.Similarity;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Encode: every vector's coarse partition and code, written as Parquet shards
 * {@code (id: long, partition: int, code: binary, codebook_version: int[, vector: array<float>])}
 * and, optionally, as the same rows in a Delta table partitioned by {@code partition}.
 *
 * <p>The quantizer travels as its artifact bytes in a broadcast and is decoded on each executor by
 * common-quant's {@link QuantizerCodec}, which then encodes with {@link Quantizer#encode}: the
 * same bytes and the same code path as plain Java and the Flink job. Rows stream through each
 * partition; nothing is collected.
 */
public final class EncodeJob {
  private EncodeJob() {}

  /** What encoding wrote. */
  public record Result(long rows, int codeBytes, String shards) {}

  /** The shard schema. */
  public static StructType schema(boolean includeVectors) {
    StructType s = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("partition", DataTypes.IntegerType, false)
        .add("code", DataTypes.BinaryType, false)
        .add("codebook_version", DataTypes.IntegerType, false);
    return includeVectors ? s.add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), false) : s;
  }

  /**
   * @param artifactBytes the quantizer artifact as shipped, or {@code null} for float32 ({@code none}:
   *     empty codes)
   */
  public static Result run(SparkSession spark, JavaRDD<VectorBlock> blocks, byte[] artifactBytes,
      CoarseQuantizer coarse, int codebookVersion, boolean includeVectors, String shards) {
    spark.sparkContext().setJobGroup("encode", "encode: quantized Parquet shards", false);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> artifact = jsc.broadcast(artifactBytes == null ? new byte[0] : artifactBytes); // none: no codes
    Broadcast<float[]> centroids = jsc.broadcast(centroidRows(coarse));
    int p = coarse.count();
    int dim = coarse.dimension();
    Similarity sim = coarse.similarity();
    JavaRDD<Row> rows = blocks.mapPartitions(part -> {
      Quantizer q = artifact.value().length == 0 ? null : QuantizerCodec.read(artifact.value(), "quantizer broadcast").quantizer();
      CoarseQuantizer c = new CoarseQuantizer(centroids.value(), p, dim, sim);
      int codeBytes = q == null ? 0 : q.codeBytes();
      return new java.util.Iterator<Row>() { // streams: one block in memory at a time, encoded at once
        private VectorBlock block;
        private byte[] codes;
        private int[] partitions;
        private int next;

        @Override
        public boolean hasNext() {
          while ((block == null || next == block.size()) && part.hasNext()) {
            block = part.next();
            next = 0;
            codes = new byte[block.size() * codeBytes];
            partitions = new int[block.size()];
            if (q != null) {
              q.encodeBlock(block.data(), 0, block.size(), codes, 0);
            }
            c.assignBlock(block.data(), 0, block.size(), partitions);
          }
          return block != null && next < block.size();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          int i = next++;
          byte[] code = java.util.Arrays.copyOfRange(codes, i * codeBytes, (i + 1) * codeBytes);
          return includeVectors
              ? RowFactory.create(block.ids()[i], partitions[i], code, codebookVersion, boxed(block.row(i)))
              : RowFactory.create(block.ids()[i], partitions[i], code, codebookVersion);
        }
      };
    });
    spark.createDataFrame(rows, schema(includeVectors)).write().mode(SaveMode.Overwrite).parquet(shards);
    Dataset<Row> written = spark.read().parquet(shards);
    long count = written.count();
    artifact.destroy();
    centroids.destroy();
    return new Result(count, written.first().<byte[]>getAs("code").length, shards);
  }

  public static float[] centroidRows(CoarseQuantizer coarse) {
    float[] rows = new float[coarse.count() * coarse.dimension()];
    for (int c = 0; c < coarse.count(); c++) {
      System.arraycopy(coarse.centroid(c), 0, rows, c * coarse.dimension(), coarse.dimension());
    }
    return rows;
  }

  private static Float[] boxed(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
