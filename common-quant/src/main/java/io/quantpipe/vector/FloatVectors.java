package io.quantpipe.vector;

import java.util.Arrays;

/**
 * A dense batch of {@code count} vectors of {@code dim} floats, stored row-major in one array: the
 * container every trainer, encoder and searcher takes, so hot loops index one array instead of
 * chasing {@code float[]} objects.
 *
 * <p>The constructor checks every value is finite, so code that receives a {@code FloatVectors}
 * need not check again. Instances are effectively immutable: nothing in quantpipe writes into
 * {@link #data()}, and callers must not either. Thread-safe for reading.
 */
public final class FloatVectors {
  private final float[] data;
  private final int dim;
  private final int count;

  /**
   * Wraps {@code data} (not copied) as {@code data.length / dim} vectors.
   *
   * @throws IllegalArgumentException if dim is not positive, the length is not a multiple of dim,
   *     or a value is NaN or infinite (the message names the record and dimension)
   */
  public FloatVectors(float[] data, int dim) {
    if (dim <= 0) {
      throw new IllegalArgumentException("Cannot create vectors: dimension must be positive; dim=" + dim);
    }
    if (data.length % dim != 0) {
      throw new IllegalArgumentException(
          "Cannot create vectors: " + data.length + " floats is not a multiple of dim=" + dim);
    }
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new IllegalArgumentException(String.format(
            "Cannot create vectors: record %d has a non-finite value %s at dimension %d",
            i / dim, data[i], i % dim));
      }
    }
    this.data = data;
    this.dim = dim;
    this.count = data.length / dim;
  }

  /** Copies the given rows into a new batch; every row must have the same length. */
  public static FloatVectors of(float[]... rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("Cannot create vectors from no rows: the dimension is unknown");
    }
    int dim = rows[0].length;
    float[] data = new float[rows.length * dim];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != dim) {
        throw new IllegalArgumentException(String.format(
            "Cannot create vectors: record %d has dimension %d, expected %d", i, rows[i].length, dim));
      }
      System.arraycopy(rows[i], 0, data, i * dim, dim);
    }
    return new FloatVectors(data, dim);
  }

  /** The backing row-major array; do not modify. */
  public float[] data() {
    return data;
  }

  public int dim() {
    return dim;
  }

  public int count() {
    return count;
  }

  /** Offset of row {@code i} in {@link #data()}. */
  public int offset(int i) {
    return i * dim;
  }

  /** A copy of row {@code i}. */
  public float[] get(int i) {
    return Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
  }

  /** A copy of rows {@code [from, to)} as a new batch. */
  public FloatVectors slice(int from, int to) {
    return new FloatVectors(Arrays.copyOfRange(data, from * dim, to * dim), dim);
  }

  /**
   * The batch as the given similarity scores it: unit-normalised copies for cosine, this batch
   * otherwise.
   */
  public FloatVectors prepared(Similarity similarity) {
    if (similarity != Similarity.COSINE) {
      return this;
    }
    float[] copy = data.clone();
    for (int i = 0; i < count; i++) {
      VectorUtil.normalize(copy, i * dim, dim);
    }
    return new FloatVectors(copy, dim);
  }
}
