package io.quantpipe.quant.pq;

import io.quantpipe.quant.kmeans.KMeans;
import io.quantpipe.quant.kmeans.KMeansStatistics;
import io.quantpipe.quant.kmeans.NearestCentroid;
import io.quantpipe.stats.TrainingSample;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains PQ codebooks by k-means in every subspace at once, in steps a distributed engine can run:
 * {@link #initialCodebooks} (k-means++ on a sample, on one machine), then per Lloyd iteration
 * {@link #accumulate} over each partition of the data into {@link #newStatistics() statistics},
 * {@link #merge} of those in a fixed order, and {@link #update}. Because the statistics are exact,
 * the codebooks are bit-identical however the data is partitioned.
 *
 * <p>{@link #train} runs the same steps locally over {@code partitions} slices on a thread pool.
 * Vectors given to any step must already be prepared ({@link Similarity#prepare}).
 */
public final class PqTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(PqTrainer.class);

  private PqTrainer() {}

  /** Seeds subspace {@code j}'s k-means++ with a value derived from the training seed. */
  static long subspaceSeed(long seed, int subspace) {
    return TrainingSample.rank(seed, subspace);
  }

  /** k-means++ codebooks for every subspace from a (prepared) sample: {@code [m][ksub × dsub]}. */
  public static float[][] initialCodebooks(FloatVectors sample, PqParams params) {
    params.checkDimension(sample.dim());
    if (sample.count() < params.ksub()) {
      throw new IllegalArgumentException(String.format(
          "Cannot train PQ: %d training vectors is fewer than the %d centroids per subspace",
          sample.count(), params.ksub()));
    }
    int dsub = sample.dim() / params.m();
    float[][] codebooks = new float[params.m()][];
    for (int j = 0; j < params.m(); j++) {
      codebooks[j] = KMeans.initPlusPlus(sample.data(), j * dsub, sample.dim(), sample.count(), dsub,
          params.ksub(), subspaceSeed(params.seed(), j));
    }
    return codebooks;
  }

  /** Empty statistics for one partition: one {@link KMeansStatistics} per subspace. */
  public static KMeansStatistics[] newStatistics(int dim, PqParams params) {
    KMeansStatistics[] stats = new KMeansStatistics[params.m()];
    for (int j = 0; j < stats.length; j++) {
      stats[j] = new KMeansStatistics(params.ksub(), dim / params.m());
    }
    return stats;
  }

  /**
   * Nearest-centroid indexes for the current codebooks ({@code ksub × dsub} each, so the centroid
   * count is the codebook's length over {@code dsub}); build once per iteration and share.
   */
  public static NearestCentroid[] indexes(float[][] codebooks, int dim) {
    NearestCentroid[] idx = new NearestCentroid[codebooks.length];
    int dsub = dim / codebooks.length;
    for (int j = 0; j < codebooks.length; j++) {
      idx[j] = new NearestCentroid(codebooks[j], codebooks[j].length / dsub, dsub);
    }
    return idx;
  }

  /** Assigns every sub-vector of {@code part} and adds it to {@code stats}. */
  public static void accumulate(FloatVectors part, NearestCentroid[] indexes, KMeansStatistics[] stats) {
    int dsub = part.dim() / indexes.length;
    for (int j = 0; j < indexes.length; j++) {
      KMeans.accumulate(part.data(), j * dsub, part.dim(), part.count(), indexes[j], stats[j]);
    }
  }

  /** Adds {@code other} into {@code into}, subspace by subspace. */
  public static void merge(KMeansStatistics[] into, KMeansStatistics[] other) {
    for (int j = 0; j < into.length; j++) {
      into[j].merge(other[j]);
    }
  }

  /** The next codebooks from merged statistics. */
  public static float[][] update(KMeansStatistics[] stats, float[][] codebooks) {
    float[][] next = new float[codebooks.length][];
    for (int j = 0; j < codebooks.length; j++) {
      next[j] = KMeans.update(stats[j], codebooks[j]);
    }
    return next;
  }

  /** Sum of the subspaces' inertia: the training set's squared quantization error. */
  public static double inertia(KMeansStatistics[] stats) {
    double total = 0;
    for (KMeansStatistics s : stats) {
      total += s.inertia();
    }
    return total;
  }

  /**
   * Trains locally on a prepared sample: k-means++, then {@code params.iterations()} Lloyd
   * iterations whose statistics are computed over {@code partitions} slices of the sample by
   * {@code threads} threads and merged in slice order. The result does not depend on
   * {@code partitions} or {@code threads}.
   */
  public static ProductQuantizer train(FloatVectors sample, Similarity similarity, PqParams params,
                                       int partitions, int threads) {
    float[][] codebooks = initialCodebooks(sample, params);
    int n = sample.count();
    int parts = Math.max(1, Math.min(partitions, n));
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      for (int it = 0; it < params.iterations(); it++) {
        NearestCentroid[] idx = indexes(codebooks, sample.dim());
        List<Future<KMeansStatistics[]>> futures = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
          FloatVectors slice = sample.slice((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts));
          futures.add(pool.submit(() -> {
            KMeansStatistics[] s = newStatistics(sample.dim(), params);
            accumulate(slice, idx, s);
            return s;
          }));
        }
        KMeansStatistics[] merged = newStatistics(sample.dim(), params);
        for (Future<KMeansStatistics[]> f : futures) {
          merge(merged, f.get());
        }
        codebooks = update(merged, codebooks);
        LOG.debug("PQ iteration {}: inertia {}", it + 1, inertia(merged));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("PQ training interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("PQ training failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    LOG.info("Trained PQ m={} ksub={} on {} vectors of dim {} in {} iterations", params.m(), params.ksub(), n,
        sample.dim(), params.iterations());
    return new ProductQuantizer(similarity, sample.dim(), params.ksub(), codebooks);
  }
}
