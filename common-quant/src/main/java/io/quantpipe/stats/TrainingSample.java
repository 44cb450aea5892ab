package io.quantpipe.stats;

import io.quantpipe.vector.FloatVectors;
import java.util.Arrays;

/**
 * A seeded uniform sample of at most {@code capacity} vectors that is mergeable and independent of
 * how the corpus was split: each vector is ranked by a 64-bit hash of {@code (seed, id)} and the
 * sample keeps the {@code capacity} lowest ranks (a bottom-k sketch). The bottom-k of a union is the
 * bottom-k of the parts' bottom-k's, so any partitioning, merged in any order, yields the same sample
 * in the same order: by rank, ties by id.
 *
 * <p>This is the sample that scalar calibration and PQ training read; a Spark partition fills one,
 * the driver merges them. Memory: {@code capacity × dim} floats. Not thread-safe.
 */
public final class TrainingSample implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int capacity;
  private final long seed;
  private int dim = -1;
  private int size;
  private long[] ranks;
  private long[] ids;
  private float[][] rows;
  /** Entries at or above (thresholdRank, thresholdId) can never enter the sample again. */
  private long thresholdRank = Long.MAX_VALUE;
  private long thresholdId = Long.MAX_VALUE;

  public TrainingSample(int capacity, long seed) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("Sample capacity must be positive; capacity=" + capacity);
    }
    this.capacity = capacity;
    this.seed = seed;
    int initial = Math.min(2 * capacity, 1024);
    this.ranks = new long[initial];
    this.ids = new long[initial];
    this.rows = new float[initial][];
  }

  /** The rank of a record: a SplitMix64 mix of seed and id, uniform over longs. */
  public static long rank(long seed, long id) {
    long z = seed * 0x9E3779B97F4A7C15L + id + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Offers record {@code id}; the vector is copied only if it may enter the sample. */
  public void add(long id, float[] vector, int off, int len) {
    checkDim(len, id);
    long r = rank(seed, id);
    if (compare(r, id, thresholdRank, thresholdId) < 0) {
      append(r, id, Arrays.copyOfRange(vector, off, off + len));
    }
  }

  /** Adds every row of a batch, with ids {@code firstId, firstId + 1, ...}. */
  public void addAll(FloatVectors vectors, long firstId) {
    for (int i = 0; i < vectors.count(); i++) {
      add(firstId + i, vectors.data(), vectors.offset(i), vectors.dim());
    }
  }

  /** Merges another sample of the same seed and capacity into this one; {@code other} is unchanged. */
  public void merge(TrainingSample other) {
    if (other.seed != seed || other.capacity != capacity) {
      throw new IllegalArgumentException(String.format(
          "Cannot merge samples with different seed or capacity: (%d, %d) vs (%d, %d)",
          seed, capacity, other.seed, other.capacity));
    }
    for (int i = 0; i < other.size; i++) {
      checkDim(other.rows[i].length, other.ids[i]);
      if (compare(other.ranks[i], other.ids[i], thresholdRank, thresholdId) < 0) {
        append(other.ranks[i], other.ids[i], other.rows[i]); // rows are never written: sharing is safe
      }
    }
  }

  /** The number of vectors in the sample: min(capacity, distinct records offered). */
  public int size() {
    truncate();
    return size;
  }

  public int capacity() {
    return capacity;
  }

  public long seed() {
    return seed;
  }

  /** The sampled ids in sample order. */
  public long[] ids() {
    truncate();
    return Arrays.copyOf(ids, size);
  }

  /** The sampled vectors in sample order (by rank, then id). */
  public FloatVectors vectors() {
    if (size == 0) {
      throw new IllegalStateException("Cannot read an empty sample: no vectors were added");
    }
    truncate();
    float[] data = new float[size * dim];
    for (int i = 0; i < size; i++) {
      System.arraycopy(rows[i], 0, data, i * dim, dim);
    }
    return new FloatVectors(data, dim);
  }

  private void checkDim(int len, long id) {
    if (dim < 0) {
      dim = len;
    } else if (len != dim) {
      throw new IllegalArgumentException("Cannot sample record " + id + ": dimension " + len + " differs from " + dim);
    }
  }

  private void append(long r, long id, float[] row) {
    if (size == ranks.length) {
      if (size == 2 * capacity) {
        truncate();
      } else {
        int grown = Math.min(2 * capacity, 2 * size);
        ranks = Arrays.copyOf(ranks, grown);
        ids = Arrays.copyOf(ids, grown);
        rows = Arrays.copyOf(rows, grown);
      }
    }
    ranks[size] = r;
    ids[size] = id;
    rows[size] = row;
    size++;
  }

  /**
   * Sorts by (rank, id) and keeps the lowest {@code capacity}: amortised O(log n) per record, since
   * it runs once per {@code capacity} appends.
   */
  private void truncate() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> compare(ranks[a], ids[a], ranks[b], ids[b]));
    int keep = Math.min(size, capacity);
    long[] r = new long[ranks.length];
    long[] d = new long[ids.length];
    float[][] v = new float[rows.length][];
    for (int i = 0; i < keep; i++) {
      r[i] = ranks[order[i]];
      d[i] = ids[order[i]];
      v[i] = rows[order[i]];
    }
    if (size > capacity || keep == capacity) {
      thresholdRank = r[keep - 1];
      thresholdId = d[keep - 1];
      // the kept maximum stays; only strictly smaller entries may enter from now on
    }
    ranks = r;
    ids = d;
    rows = v;
    size = keep;
  }

  private static int compare(long rankA, long idA, long rankB, long idB) {
    int c = Long.compare(rankA, rankB);
    return c != 0 ? c : Long.compare(idA, idB);
  }
}
