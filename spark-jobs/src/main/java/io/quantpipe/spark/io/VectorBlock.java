package io.quantpipe.spark.io;

import io.quantpipe.vector.FloatVectors;
import java.io.Serializable;

/**
 * A block of corpus rows as the jobs compute on them: ids and row-major float32 vectors, without the
 * per-element boxing of Spark's {@code array<float>}. The cached form of the corpus between stages.
 *
 * @param ids the rows' ids
 * @param data {@code ids.length × dim} floats, row-major, as imported (not normalised)
 */
public record VectorBlock(long[] ids, float[] data, int dim) implements Serializable {
  private static final long serialVersionUID = 1L;

  public VectorBlock {
    if ((long) ids.length * dim != data.length) {
      throw new IllegalArgumentException(ids.length + " ids but " + data.length + " floats of dimension " + dim);
    }
  }

  public int size() {
    return ids.length;
  }

  /** The vectors as a batch (shares {@link #data}). */
  public FloatVectors vectors() {
    return new FloatVectors(data, dim);
  }

  /** Row {@code i}, a copy. */
  public float[] row(int i) {
    return java.util.Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
  }
}
