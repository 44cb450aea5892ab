package io.quantpipe.stats;

import io.quantpipe.vector.FloatVectors;
import java.util.Arrays;

/**
 * Everything calibration needs from one pass over a corpus, as a mergeable statistic: the count,
 * per-dimension minimum and maximum, the exact per-dimension sum (for the binary centring mean), an
 * order-independent fingerprint of the data, and a seeded {@link TrainingSample}.
 *
 * <p>Each partition of a corpus fills its own instance with {@link #add}; {@link #merge} combines
 * them. Every part is exact or order-independent (min/max, {@link ExactSums}, a sum of per-record
 * hashes modulo 2^64, a bottom-k sample), so any partitioning merged in any order gives identical
 * results. Memory: {@code 5·dim} words plus the sample. Not thread-safe.
 */
public final class CorpusStatistics implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int dim;
  private long count;
  private final float[] min;
  private final float[] max;
  private final ExactSums sums;
  private long hashSum;
  private final TrainingSample sample;

  /**
   * @param sampleCapacity how many vectors the training sample keeps
   * @param seed the sampling seed (the training seed)
   */
  public CorpusStatistics(int dim, int sampleCapacity, long seed) {
    if (dim <= 0) {
      throw new IllegalArgumentException("Cannot collect statistics: dimension must be positive; dim=" + dim);
    }
    this.dim = dim;
    this.min = new float[dim];
    this.max = new float[dim];
    Arrays.fill(min, Float.POSITIVE_INFINITY);
    Arrays.fill(max, Float.NEGATIVE_INFINITY);
    this.sums = new ExactSums(dim);
    this.sample = new TrainingSample(sampleCapacity, seed);
  }

  /** Collects statistics of a whole batch whose record ids are {@code 0 .. count-1}. */
  public static CorpusStatistics of(FloatVectors vectors, int sampleCapacity, long seed) {
    CorpusStatistics stats = new CorpusStatistics(vectors.dim(), sampleCapacity, seed);
    stats.addAll(vectors, 0);
    return stats;
  }

  /** Adds record {@code id}: {@code len} finite floats of {@code vector} from {@code off}. */
  public void add(long id, float[] vector, int off, int len) {
    if (len != dim) {
      throw new IllegalArgumentException("Cannot add record " + id + ": dimension " + len + ", expected " + dim);
    }
    long h = id * 0x9E3779B97F4A7C15L;
    for (int j = 0; j < dim; j++) {
      float x = vector[off + j];
      if (x < min[j]) {
        min[j] = x;
      }
      if (x > max[j]) {
        max[j] = x;
      }
      sums.add(j, x);
      h = (h ^ Float.floatToIntBits(x)) * 0x100000001B3L;
    }
    hashSum += TrainingSample.rank(h, id);
    count++;
    sample.add(id, vector, off, len);
  }

  /** Adds every row of a batch with ids {@code firstId, firstId + 1, ...}. */
  public void addAll(FloatVectors vectors, long firstId) {
    for (int i = 0; i < vectors.count(); i++) {
      add(firstId + i, vectors.data(), vectors.offset(i), vectors.dim());
    }
  }

  /** Merges another partition's statistics into this one; {@code other} is unchanged. */
  public void merge(CorpusStatistics other) {
    if (other.dim != dim) {
      throw new IllegalArgumentException("Cannot merge statistics of dimension " + other.dim + " into " + dim);
    }
    for (int j = 0; j < dim; j++) {
      min[j] = Math.min(min[j], other.min[j]);
      max[j] = Math.max(max[j], other.max[j]);
    }
    sums.merge(other.sums);
    hashSum += other.hashSum;
    count += other.count;
    sample.merge(other.sample);
  }

  public int dim() {
    return dim;
  }

  public long count() {
    return count;
  }

  /** Per-dimension minimum (a copy). */
  public float[] min() {
    requireData();
    return min.clone();
  }

  /** Per-dimension maximum (a copy). */
  public float[] max() {
    requireData();
    return max.clone();
  }

  /** Per-dimension mean, computed from exact sums. */
  public float[] mean() {
    requireData();
    float[] mean = new float[dim];
    for (int j = 0; j < dim; j++) {
      mean[j] = (float) (sums.get(j) / count);
    }
    return mean;
  }

  /** The order-independent fingerprint of the data: count, dims and a 64-bit content hash. */
  public DataFingerprint fingerprint() {
    return new DataFingerprint(count, dim, hashSum);
  }

  public TrainingSample sample() {
    return sample;
  }

  private void requireData() {
    if (count == 0) {
      throw new IllegalStateException("Cannot calibrate from an empty corpus: no vectors were added");
    }
  }
}
