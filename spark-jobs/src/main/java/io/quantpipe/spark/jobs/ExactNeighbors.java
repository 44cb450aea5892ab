package io.quantpipe.spark.jobs;

import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.Serializable;
import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Exact k nearest neighbours of a few queries over the whole corpus, in Spark: each partition keeps
 * every query's {@code k} best (score, id) pairs, and the per-partition lists are tree-reduced.
 * Ties are broken by the smaller id, so the answer does not depend on the partitioning.
 */
final class ExactNeighbors {
  private ExactNeighbors() {}

  /** The {@code k} best ids of every query, best first. */
  static long[][] compute(JavaRDD<VectorBlock> blocks, FloatVectors queries, Similarity sim, int k) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
    FloatVectors prepared = queries.prepared(sim);
    Broadcast<float[]> shared = jsc.broadcast(prepared.data());
    int dim = queries.dim();
    int nq = queries.count();
    Best[] best = blocks.mapPartitions(part -> {
      Best[] lists = new Best[nq];
      for (int q = 0; q < nq; q++) {
        lists[q] = new Best(k);
      }
      float[] qs = shared.value();
      while (part.hasNext()) {
        VectorBlock b = part.next();
        FloatVectors rows = b.vectors().prepared(sim);
        for (int i = 0; i < b.size(); i++) {
          for (int q = 0; q < nq; q++) {
            lists[q].offer(sim.score(qs, q * dim, rows.data(), rows.offset(i), dim), b.ids()[i]);
          }
        }
      }
      return Collections.singletonList(lists).iterator();
    }).treeReduce((a, b) -> {
      for (int q = 0; q < a.length; q++) {
        a[q].mergeFrom(b[q]);
      }
      return a;
    });
    shared.destroy();
    long[][] out = new long[nq][];
    for (int q = 0; q < nq; q++) {
      out[q] = best[q].ids();
    }
    return out;
  }

  /** The k best (score, id) pairs seen, kept sorted best first. Small k: insertion is fine. */
  static final class Best implements Serializable {
    private static final long serialVersionUID = 1L;
    private final float[] scores;
    private final long[] ids;
    private int size;

    Best(int k) {
      scores = new float[k];
      ids = new long[k];
    }

    void offer(float score, long id) {
      if (size == scores.length && !better(score, id, scores[size - 1], ids[size - 1])) {
        return;
      }
      int i = Math.min(size, scores.length - 1);
      while (i > 0 && better(score, id, scores[i - 1], ids[i - 1])) {
        scores[i] = scores[i - 1];
        ids[i] = ids[i - 1];
        i--;
      }
      scores[i] = score;
      ids[i] = id;
      size = Math.min(size + 1, scores.length);
    }

    void mergeFrom(Best other) {
      for (int i = 0; i < other.size; i++) {
        offer(other.scores[i], other.ids[i]);
      }
    }

    long[] ids() {
      return java.util.Arrays.copyOf(ids, size);
    }

    private static boolean better(float s, long id, float s2, long id2) {
      return s > s2 || (s == s2 && id < id2);
    }
  }
}
