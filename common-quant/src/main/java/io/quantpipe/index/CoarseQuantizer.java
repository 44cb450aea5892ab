package io.quantpipe.index;

import io.quantpipe.quant.kmeans.KMeans;
import io.quantpipe.quant.kmeans.KMeansStatistics;
import io.quantpipe.quant.kmeans.NearestCentroid;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import java.util.Arrays;

/**
 * The IVF centroids that assign vectors to partitions, and queries to the {@code nprobe}
 * partitions they search. Assignment and probing both use squared L2 on vectors prepared for
 * the similarity (normalised for cosine), as FAISS's IVF does with an L2 coarse quantizer.
 *
 * <p>Immutable and thread-safe.
 */
public final class CoarseQuantizer {
  private final float[] centroids;
  private final int count;
  private final int dim;
  private final Similarity similarity;
  private final NearestCentroid nearest;

  public CoarseQuantizer(float[] centroids, int count, int dim, Similarity similarity) {
    if (count <= 0 || centroids.length != (long) count * dim) {
      throw new IllegalArgumentException(String.format(
          "%d floats are not %d centroids of dimension %d", centroids.length, count, dim));
    }
    this.centroids = centroids;
    this.count = count;
    this.dim = dim;
    this.similarity = similarity;
    this.nearest = new NearestCentroid(centroids, count, dim);
  }

  /**
   * Trains {@code count} centroids by k-means++ and Lloyd iterations on {@code sample}.
   *
   * @throws IllegalArgumentException when the sample has fewer vectors than centroids
   */
  public static CoarseQuantizer train(FloatVectors sample, Similarity similarity, int count, int iterations, long seed) {
    FloatVectors prepared = sample.prepared(similarity);
    int dim = prepared.dim();
    float[] data = prepared.data();
    float[] c = KMeans.initPlusPlus(data, 0, dim, prepared.count(), dim, count, seed);
    for (int it = 0; it < iterations; it++) {
      KMeansStatistics stats = new KMeansStatistics(count, dim);
      KMeans.accumulate(data, 0, dim, prepared.count(), new NearestCentroid(c, count, dim), stats);
      c = KMeans.update(stats, c);
    }
    return new CoarseQuantizer(c, count, dim, similarity);
  }

  public int count() {
    return count;
  }

  public Similarity similarity() {
    return similarity;
  }

  public int dimension() {
    return dim;
  }

  /** Centroid {@code i}, a copy. */
  public float[] centroid(int i) {
    return Arrays.copyOfRange(centroids, i * dim, (i + 1) * dim);
  }

  /** The partition a raw vector belongs to. */
  public int assign(float[] vector) {
    return nearest.nearest(similarity.prepare(vector), 0, nearest.newScratch());
  }

  /**
   * The partitions of {@code count} raw vectors held row-major from {@code vectors[offset]}, into
   * {@code out[0, count)}: what {@code count} {@link #assign} calls return, four vectors per pass
   * over the centroids.
   */
  public void assignBlock(float[] vectors, int offset, int count, int[] out) {
    if (similarity != Similarity.COSINE) { // raw vectors are what the centroids score
      nearest.assign(vectors, offset, dim, count, out, new float[count]);
      return;
    }
    float[] prepared = Arrays.copyOfRange(vectors, offset, offset + count * dim);
    for (int i = 0; i < count; i++) {
      VectorUtil.normalize(prepared, i * dim, dim);
    }
    nearest.assign(prepared, 0, dim, count, out, new float[count]);
  }

  /** The {@code nprobe} partitions nearest to a raw query, nearest first. */
  public int[] probe(float[] query, int nprobe) {
    float[] q = similarity.prepare(query);
    int n = Math.min(nprobe, count);
    long[] keyed = new long[count];
    for (int c = 0; c < count; c++) {
      float d = VectorUtil.squareDistance(q, 0, centroids, c * dim, dim);
      keyed[c] = ((long) Float.floatToIntBits(d) << 32) | c; // distances are ≥ 0: int bits sort as floats
    }
    Arrays.sort(keyed);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = (int) keyed[i];
    }
    return out;
  }
}
