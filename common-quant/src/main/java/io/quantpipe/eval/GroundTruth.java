package io.quantpipe.eval;

import io.quantpipe.search.ExactKnn;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exact k-nearest neighbours by brute force over float32 ({@link ExactKnn}: a block of the corpus
 * against a group of queries at a time), the queries split over {@code threads} threads: the truth
 * that recall is measured against when a dataset ships none.
 */
public final class GroundTruth {
  /** Corpus vectors handed to {@link ExactKnn} at a time. */
  private static final int BLOCK = 4096;

  private GroundTruth() {}

  /** The exact top-{@code k} ordinals of every query, best first (ties: lower ordinal first). */
  public static int[][] compute(FloatVectors base, FloatVectors queries, Similarity similarity, int k, int threads) {
    int[][] out = new int[queries.count()][];
    int parts = Math.max(1, Math.min(threads, queries.count()));
    ExecutorService pool = Executors.newFixedThreadPool(parts);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        int from = (int) ((long) queries.count() * p / parts);
        int to = (int) ((long) queries.count() * (p + 1) / parts);
        futures.add(pool.submit(() -> scan(base, queries.slice(from, to), similarity, k, out, from)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("Ground-truth computation failed: " + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private static void scan(FloatVectors base, FloatVectors queries, Similarity similarity, int k, int[][] out,
                           int firstQuery) {
    ExactKnn knn = new ExactKnn(queries, similarity, k);
    long[] ids = new long[BLOCK];
    for (int from = 0; from < base.count(); from += BLOCK) {
      int n = Math.min(BLOCK, base.count() - from);
      for (int i = 0; i < n; i++) {
        ids[i] = from + i;
      }
      knn.add(base.data(), base.offset(from), n, ids);
    }
    long[][] best = knn.ids(k);
    for (int q = 0; q < best.length; q++) {
      int[] row = new int[best[q].length];
      for (int i = 0; i < row.length; i++) {
        row[i] = (int) best[q][i];
      }
      out[firstQuery + q] = row;
    }
  }
}
