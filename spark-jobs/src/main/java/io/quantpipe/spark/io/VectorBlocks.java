package io.quantpipe.spark.io;

import io.quantpipe.stats.TrainingSample;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Turns the canonical input table ({@code id: long, vector: array<float>}, already validated) into
 * cached {@link VectorBlock}s, streaming each Spark partition: nothing reaches the driver.
 *
 * <p>Rows can be held out of the index as evaluation queries by a seeded hash of their id, which
 * selects the same rows whatever the partitioning. Stateless.
 */
public final class VectorBlocks {
  /** Rows per block: large enough to amortise per-block work, small enough to stream. */
  public static final int BLOCK_ROWS = 1024;
  /** Salts the hold-out hash so held-out rows are independent of the training sample. */
  private static final long HOLD_OUT_SALT = 0x5EEDC0DEL;

  private VectorBlocks() {}

  /**
   * The corpus as blocks, persisted in memory (spilling to disk) for the stages that follow.
   *
   * @param holdOutBelow rows whose hold-out rank is below this unsigned threshold are left out
   *     (0 = keep every row); see {@link #isHeldOut}
   */
  public static JavaRDD<VectorBlock> of(Dataset<Row> table, int dim, long seed, long holdOutBelow) {
    JavaRDD<VectorBlock> blocks = table.select("id", "vector").toJavaRDD().mapPartitions(rows -> {
      List<VectorBlock> out = new ArrayList<>();
      BlockBuffer buffer = new BlockBuffer(dim);
      while (rows.hasNext()) {
        Row row = rows.next();
        long id = row.getLong(0);
        if (isHeldOut(id, seed, holdOutBelow)) {
          continue;
        }
        buffer.add(id, row.getList(1));
        if (buffer.size() == BLOCK_ROWS) {
          out.add(buffer.drain());
        }
      }
      if (buffer.size() > 0) {
        out.add(buffer.drain());
      }
      return out.iterator();
    });
    return blocks.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Whether row {@code id} is held out as a query. */
  public static boolean isHeldOut(long id, long seed, long holdOutBelow) {
    return holdOutBelow != 0 && Long.compareUnsigned(TrainingSample.rank(seed ^ HOLD_OUT_SALT, id), holdOutBelow) < 0;
  }

  /** The unsigned threshold that holds out about {@code wanted} of {@code count} rows. */
  public static long holdOutThreshold(long wanted, long count) {
    return wanted <= 0 || count <= 0 ? 0 : fractionThreshold((double) wanted / count);
  }

  /** {@code fraction · 2^64} as an unsigned long: hashes below it select that share of the rows. */
  public static long fractionThreshold(double fraction) {
    if (fraction >= 1) {
      return -1L; // 2^64 − 1, every rank but one
    }
    return (long) (fraction * 0x1p63) << 1;
  }

  /** Accumulates rows into one block. */
  static final class BlockBuffer {
    private final int dim;
    private long[] ids = new long[BLOCK_ROWS];
    private float[] data;
    private int size;

    BlockBuffer(int dim) {
      this.dim = dim;
      this.data = new float[BLOCK_ROWS * dim];
    }

    void add(long id, List<Float> vector) {
      ids[size] = id;
      int off = size * dim;
      for (int j = 0; j < dim; j++) {
        data[off + j] = vector.get(j);
      }
      size++;
    }

    int size() {
      return size;
    }

    VectorBlock drain() {
      VectorBlock b = new VectorBlock(java.util.Arrays.copyOf(ids, size), java.util.Arrays.copyOf(data, size * dim), dim);
      size = 0;
      return b;
    }
  }

  /**
   * The {@code treeAggregate}/{@code treeReduce} depth for {@code blocks}: enough levels (fan-in 4)
   * that at most 5 partial aggregates reach the driver whatever the partition count. Spark's default
   * depth 2 sends about the square root of the partition count: 93 partials for 8,640 partitions,
   * each a full training sample (hundreds of MB at 1536 dims) once merged.
   */
  public static int treeDepth(JavaRDD<?> blocks) {
    int partitions = Math.max(1, blocks.getNumPartitions());
    return Math.max(2, (int) Math.ceil(Math.log(partitions) / Math.log(4)));
  }
}
