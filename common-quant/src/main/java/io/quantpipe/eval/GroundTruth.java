package io.quantpipe.eval;

import io.quantpipe.search.ExactSearcher;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact k-nearest neighbours by brute force over float32, queries spread over {@code threads}
 * threads: the truth that recall is measured against when a dataset ships none.
 */
public final class GroundTruth {
  private GroundTruth() {}

  /** The exact top-{@code k} ordinals of every query, best first (ties: lower ordinal first). */
  public static int[][] compute(FloatVectors base, FloatVectors queries, Similarity similarity, int k, int threads) {
    ExactSearcher searcher = new ExactSearcher(base, similarity);
    int[][] out = new int[queries.count()][];
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int q = 0; q < queries.count(); q++) {
        int query = q;
        futures.add(pool.submit(() -> out[query] = searcher.search(queries.get(query), k).ids()));
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
}
