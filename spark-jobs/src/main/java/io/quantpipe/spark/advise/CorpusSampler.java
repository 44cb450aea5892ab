package io.quantpipe.spark.advise;

import io.quantpipe.stats.TrainingSample;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * What the Spark advise needs of one pass over a classified corpus (rows of
 * {@code (id, vector, reason)}, see {@code ImportJob.classify}): the seeded sample of the valid
 * rows, their count, and the rejected rows counted by reason. Mergeable: each task fills one, the
 * driver merges them with {@code treeAggregate}; the sample is a {@link TrainingSample}, so the
 * result does not depend on the partitioning. Under cosine similarity a zero vector has no
 * direction: it is counted as rejected ({@link #ZERO}) rather than sampled. Memory: the sample
 * ({@code capacity × dim} floats).
 * Not thread-safe.
 */
public final class CorpusSampler implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The reason a zero vector is rejected under cosine. */
  public static final String ZERO = "zero vector (no direction under cosine)";

  private final TrainingSample sample;
  private final boolean rejectZero;
  private long valid;
  private final TreeMap<String, Long> rejected = new TreeMap<>();

  /** A sampler keeping at most {@code capacity} vectors; {@code rejectZero} for cosine. */
  public CorpusSampler(int capacity, long seed, boolean rejectZero) {
    this.sample = new TrainingSample(capacity, seed);
    this.rejectZero = rejectZero;
  }

  /** Adds one classified row: sampled when valid, counted under its reason when not. */
  public CorpusSampler add(Row row) {
    if (!row.isNullAt(2)) {
      rejected.merge(row.getString(2), 1L, Long::sum);
      return this;
    }
    List<Float> list = row.getList(1);
    float[] vector = new float[list.size()];
    boolean zero = true;
    for (int i = 0; i < vector.length; i++) {
      vector[i] = list.get(i);
      zero &= vector[i] == 0f;
    }
    if (zero && rejectZero) {
      rejected.merge(ZERO, 1L, Long::sum);
      return this;
    }
    sample.add(row.getLong(0), vector, 0, vector.length);
    valid++;
    return this;
  }

  /** Merges {@code other} into this one and returns this one. */
  public CorpusSampler merge(CorpusSampler other) {
    sample.merge(other.sample);
    valid += other.valid;
    other.rejected.forEach((reason, n) -> rejected.merge(reason, n, Long::sum));
    return this;
  }

  public TrainingSample sample() {
    return sample;
  }

  /** Valid rows seen. */
  public long valid() {
    return valid;
  }

  /** Rejected rows by reason, sorted by reason. */
  public Map<String, Long> rejected() {
    return java.util.Collections.unmodifiableMap(rejected);
  }
}
