package io.quantpipe.spark.kmeans;

import io.quantpipe.quant.kmeans.KMeans;
import io.quantpipe.quant.kmeans.KMeansStatistics;
import io.quantpipe.quant.kmeans.NearestCentroid;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.spark.io.VectorBlocks;
import io.quantpipe.stats.TrainingSample;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lloyd iterations over a corpus on Spark, for {@code m} independent k-means problems at once: the
 * {@code m} subspaces of product quantization ({@code k = 256}), or the whole vector for the coarse
 * partitioning ({@code m = 1}, {@code k = P}). One pass over the data per iteration: the centroids
 * are broadcast, each Spark partition assigns its rows and fills one {@link KMeansStatistics} per
 * problem, the statistics are tree-reduced to the driver, which computes the next centroids with
 * common-quant's {@link KMeans#update} and destroys the broadcast.
 *
 * <p>The statistics hold exact sums, so the merge order does not matter and the same seed, data
 * and initial centroids give bit-identical centroids whatever the number of Spark partitions (the
 * shape of MLlib's Lloyd loop, with FAISS's per-subspace training). Stateless.
 */
public final class DistributedKMeans {
  private static final Logger LOG = LoggerFactory.getLogger(DistributedKMeans.class);
  /** Salts the per-row hash that selects the training fraction. */
  private static final long FRACTION_SALT = 0x7EA1F2AC7L;

  private DistributedKMeans() {}

  /**
   * What to train.
   *
   * @param m independent problems, each over {@code dim / m} consecutive dimensions
   * @param k centroids per problem
   * @param iterations Lloyd iterations
   * @param fraction the share of rows each iteration reads, chosen by a seeded hash of the id (1 = all)
   */
  public record Spec(int dim, int m, int k, int iterations, double fraction, long seed, Similarity similarity)
      implements java.io.Serializable {
    public Spec {
      if (m <= 0 || dim % m != 0) {
        throw new IllegalArgumentException("dimension " + dim + " is not divisible into " + m + " subspaces");
      }
    }

    int dsub() {
      return dim / m;
    }
  }

  /**
   * Runs {@code spec.iterations()} Lloyd iterations from {@code initial} ({@code [m][k × dsub]}),
   * returning the final centroids.
   */
  public static float[][] run(JavaRDD<VectorBlock> blocks, float[][] initial, Spec spec) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
    float[][] centroids = initial;
    for (int it = 0; it < spec.iterations(); it++) {
      Broadcast<float[][]> shared = jsc.broadcast(centroids);
      KMeansStatistics[] merged = blocks
          .mapPartitions(part -> Collections.singletonList(accumulate(part, shared.value(), spec)).iterator())
          .treeReduce(DistributedKMeans::merge, VectorBlocks.treeDepth(blocks));
      float[][] next = new float[spec.m()][];
      for (int j = 0; j < spec.m(); j++) {
        next[j] = KMeans.update(merged[j], centroids[j]);
      }
      centroids = next;
      shared.destroy();
      LOG.info("k-means m={} k={} iteration {}/{}: inertia {}", spec.m(), spec.k(), it + 1, spec.iterations(),
          inertia(merged));
    }
    return centroids;
  }

  /** One Spark partition's statistics. */
  static KMeansStatistics[] accumulate(java.util.Iterator<VectorBlock> part, float[][] centroids, Spec spec) {
    int dsub = spec.dsub();
    NearestCentroid[] indexes = new NearestCentroid[spec.m()];
    KMeansStatistics[] stats = new KMeansStatistics[spec.m()];
    for (int j = 0; j < spec.m(); j++) {
      indexes[j] = new NearestCentroid(centroids[j], spec.k(), dsub);
      stats[j] = new KMeansStatistics(spec.k(), dsub);
    }
    while (part.hasNext()) {
      FloatVectors rows = selected(part.next(), spec);
      for (int j = 0; j < spec.m(); j++) {
        KMeans.accumulate(rows.data(), j * dsub, spec.dim(), rows.count(), indexes[j], stats[j]);
      }
    }
    return stats;
  }

  /** The block's rows this training reads, prepared for the similarity. */
  private static FloatVectors selected(VectorBlock block, Spec spec) {
    FloatVectors rows = block.vectors();
    if (spec.fraction() < 1) {
      long below = io.quantpipe.spark.io.VectorBlocks.fractionThreshold(spec.fraction());
      float[] kept = new float[block.data().length];
      int n = 0;
      for (int i = 0; i < block.size(); i++) {
        if (Long.compareUnsigned(TrainingSample.rank(spec.seed() ^ FRACTION_SALT, block.ids()[i]), below) < 0) {
          System.arraycopy(block.data(), i * spec.dim(), kept, n++ * spec.dim(), spec.dim());
        }
      }
      rows = new FloatVectors(java.util.Arrays.copyOf(kept, n * spec.dim()), spec.dim());
    }
    return rows.prepared(spec.similarity());
  }

  private static KMeansStatistics[] merge(KMeansStatistics[] a, KMeansStatistics[] b) {
    for (int j = 0; j < a.length; j++) {
      a[j].merge(b[j]);
    }
    return a;
  }

  private static double inertia(KMeansStatistics[] stats) {
    double total = 0;
    for (KMeansStatistics s : stats) {
      total += s.inertia();
    }
    return total;
  }
}
