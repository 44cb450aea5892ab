package io.quantpipe.search;

import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import java.util.Arrays;

/**
 * Exact k nearest neighbours of a batch of queries, fed the corpus a block at a time: the ground
 * truth of {@code evaluate} and of {@code GroundTruth}. Scanning query by query reads the whole
 * corpus once per query and pays a full dot product, with its horizontal fold, per pair. Here the
 * queries are held as columns, {@value #GROUP} per group, and {@link VectorUtil#columnScores}
 * scores four corpus vectors against 16 queries per step, so each corpus vector is read once per
 * block for every query and the arithmetic runs at SIMD width without folds: the shape of a GEMM,
 * as FAISS's flat search uses BLAS.
 *
 * <p>Those fast scores are inner products ({@code ⟨x, q⟩}) or, for L2, {@code 2⟨x, q⟩ − ‖x‖²},
 * which ranks like {@code −‖x − q‖²} but rounds differently. So each query keeps its
 * {@code k + max(k, 16)} best by fast score in a {@link NeighbourList}, and a candidate admitted to
 * the list is also scored exactly, by {@link Similarity#score} (what {@link ExactSearcher} ranks
 * with); the answer is the list's best {@code k} by exact score, ties to the lower id. It equals the
 * query-by-query scan unless rounding (about 1e-7 of the squared norms) moves a true top-k vector
 * below {@code k + max(k, 16)} others.
 *
 * <p>Not thread-safe: one instance per thread or task, whose {@link #lists} merge
 * ({@link NeighbourList#merge}).
 */
public final class ExactKnn {
  /** Queries per column block: 32 × 1536 floats, 192 KB, stay in L2 while a block of the corpus passes. */
  static final int GROUP = 32;
  /** Corpus vectors per kernel call. */
  private static final int CHUNK = 64;

  private final Similarity kernel;
  private final boolean cosine;
  private final int dim;
  private final int count;
  private final float[] queries;
  private final float[][] columns;
  private final NeighbourList[] lists;
  private final float[] scores = new float[CHUNK * GROUP];
  private final float[] norms = new float[CHUNK];

  /**
   * @param queries raw queries (normalised here for cosine)
   * @param k neighbours wanted per query
   */
  public ExactKnn(FloatVectors queries, Similarity similarity, int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive; got " + k);
    }
    FloatVectors prepared = queries.prepared(similarity);
    this.kernel = similarity.kernel();
    this.cosine = similarity == Similarity.COSINE;
    this.dim = prepared.dim();
    this.count = prepared.count();
    this.queries = prepared.data();
    int groups = (count + GROUP - 1) / GROUP;
    this.columns = new float[groups][dim * GROUP];
    for (int q = 0; q < count; q++) {
      float[] group = columns[q / GROUP];
      for (int j = 0; j < dim; j++) {
        group[j * GROUP + q % GROUP] = this.queries[q * dim + j];
      }
    }
    this.lists = new NeighbourList[count];
    for (int q = 0; q < count; q++) {
      lists[q] = new NeighbourList(k + Math.max(k, 16));
    }
  }

  /**
   * Scores {@code n} raw corpus vectors held row-major from {@code vectors[offset]} against every
   * query; vector {@code i} has id {@code ids[i]}.
   */
  public void add(float[] vectors, int offset, int n, long[] ids) {
    if (ids.length < n || offset < 0 || offset + (long) n * dim > vectors.length) {
      throw new IllegalArgumentException(String.format("%d vectors of %d dims from %d with %d ids do not fit in %d floats",
          n, dim, offset, ids.length, vectors.length));
    }
    for (int from = 0; from < n; from += CHUNK) {
      int m = Math.min(CHUNK, n - from);
      float[] x = vectors;
      int base = offset + from * dim;
      if (cosine) {
        x = Arrays.copyOfRange(vectors, base, base + m * dim);
        base = 0;
        for (int i = 0; i < m; i++) {
          VectorUtil.normalize(x, i * dim, dim);
        }
      }
      scoreChunk(x, base, m, ids, from);
    }
  }

  private void scoreChunk(float[] x, int base, int m, long[] ids, int idFrom) {
    boolean l2 = kernel == Similarity.EUCLIDEAN;
    for (int i = 0; i < m; i++) {
      norms[i] = l2 ? VectorUtil.dot(x, base + i * dim, x, base + i * dim, dim) : 0f;
    }
    for (int g = 0; g < columns.length; g++) {
      VectorUtil.columnScores(x, base, dim, m, columns[g], dim, GROUP, scores);
      int inGroup = Math.min(GROUP, count - g * GROUP);
      for (int i = 0; i < m; i++) {
        long id = ids[idFrom + i];
        for (int c = 0; c < inGroup; c++) {
          float fast = l2 ? 2 * scores[i * GROUP + c] - norms[i] : scores[i * GROUP + c];
          NeighbourList list = lists[g * GROUP + c];
          if (list.admits(fast, id)) {
            list.offer(fast, kernel.score(queries, (g * GROUP + c) * dim, x, base + i * dim, dim), id);
          }
        }
      }
    }
  }

  /** Each query's candidates so far, to merge with other parts' or to read with {@link NeighbourList#ids}. */
  public NeighbourList[] lists() {
    return lists;
  }

  /** The exact top-{@code k} ids of every query, best first. */
  public long[][] ids(int k) {
    long[][] out = new long[count][];
    for (int q = 0; q < count; q++) {
      out[q] = lists[q].ids(k);
    }
    return out;
  }
}
