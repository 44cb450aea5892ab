package io.quantpipe.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.index.IndexHits;
import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.Arrays;

/**
 * Recall and latency of a {@link PartitionedIndex} on held-out queries, against their exact
 * neighbours: what a version's manifest records under {@code evaluation} (the Spark pipeline's
 * {@code EvaluateJob} measures the same figures across executors). Latency is each query's
 * single-thread search time, in milliseconds. Stateless.
 */
public final class IndexEvaluation {
  private IndexEvaluation() {}

  /**
   * The figures, with the parameters they were measured at.
   *
   * @param recallAt1 mean recall@1
   * @param recallAtK mean recall@k
   */
  public record Result(int queries, int k, int ef, int nprobe, int oversample, double recallAt1, double recallAtK,
      double latencyP50Ms, double latencyP99Ms, double latencyMeanMs) {
    /** The manifest's {@code evaluation} object ({@code query_source} is the caller's to add). */
    public ObjectNode toJson() {
      ObjectNode e = JsonNodeFactory.instance.objectNode();
      e.put("queries", queries).put("k", k).put("ef", ef).put("nprobe", nprobe).put("oversample", oversample)
          .put("recall@1", recallAt1).put("recall@" + k, recallAtK).put("latency_p50_ms", latencyP50Ms)
          .put("latency_p99_ms", latencyP99Ms).put("latency_mean_ms", latencyMeanMs);
      return e;
    }
  }

  /**
   * Measures {@code index} on {@code queries}; exact neighbours come from a brute-force scan of
   * {@code base}, whose row {@code i} the index holds as {@code ids[i]}.
   */
  public static Result measure(PartitionedIndex index, FloatVectors base, long[] ids, FloatVectors queries,
      Similarity similarity, int k, int ef, int nprobe, int oversample) {
    int[][] exact = GroundTruth.compute(base, queries, similarity, k, 1);
    long[][] truth = new long[queries.count()][];
    for (int q = 0; q < truth.length; q++) {
      truth[q] = new long[exact[q].length];
      for (int i = 0; i < truth[q].length; i++) {
        truth[q][i] = ids[exact[q][i]];
      }
    }
    return measure(index, queries, truth, k, ef, nprobe, oversample);
  }

  /**
   * Measures {@code index} as it stands (streamed inserts and deletes included) against its own
   * exact scan ({@link PartitionedIndex#exactSearch}): what a serving node reports on request.
   */
  public static Result measureLive(PartitionedIndex index, FloatVectors queries, int k, int ef, int nprobe,
      int oversample) {
    long[][] truth = new long[queries.count()][];
    for (int q = 0; q < truth.length; q++) {
      truth[q] = index.exactSearch(queries.get(q), k).ids();
    }
    return measure(index, queries, truth, k, ef, nprobe, oversample);
  }

  private static Result measure(PartitionedIndex index, FloatVectors queries, long[][] truth, int k, int ef,
      int nprobe, int oversample) {
    long[] nanos = new long[queries.count()];
    double r1 = 0;
    double rk = 0;
    for (int q = 0; q < queries.count(); q++) {
      long t0 = System.nanoTime();
      IndexHits hits = index.search(queries.get(q), k, Math.max(ef, k), nprobe, oversample, null);
      nanos[q] = System.nanoTime() - t0;
      r1 += recall(hits.ids(), truth[q], 1);
      rk += recall(hits.ids(), truth[q], k);
    }
    int n = queries.count();
    Arrays.sort(nanos);
    return new Result(n, k, ef, nprobe, oversample, r1 / n, rk / n, nanos[(n - 1) / 2] / 1e6,
        nanos[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)] / 1e6, Arrays.stream(nanos).average().orElse(0) / 1e6);
  }

  /** recall@r: the share of the exact top r found in the approximate top r. */
  public static double recall(long[] approx, long[] exact, int r) {
    int limit = Math.min(r, exact.length);
    int found = 0;
    for (int i = 0; i < Math.min(r, approx.length); i++) {
      for (int j = 0; j < limit; j++) {
        if (approx[i] == exact[j]) {
          found++;
          break;
        }
      }
    }
    return limit == 0 ? 1 : (double) found / limit;
  }
}
