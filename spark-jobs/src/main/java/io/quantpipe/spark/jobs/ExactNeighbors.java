package io.quantpipe.spark.jobs;

import io.quantpipe.search.ExactKnn;
import io.quantpipe.search.NeighbourList;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Exact k nearest neighbours of a few queries over the whole corpus, in Spark: each partition
 * scans its blocks with {@link ExactKnn} (a block of vectors against all queries at once) and keeps
 * every query's candidates in a {@link NeighbourList}; the per-partition lists are tree-reduced.
 * Ties are broken by the smaller id, so the answer does not depend on the partitioning.
 */
final class ExactNeighbors {
  private ExactNeighbors() {}

  /** The {@code k} best ids of every query, best first. */
  static long[][] compute(JavaRDD<VectorBlock> blocks, FloatVectors queries, Similarity sim, int k) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
    Broadcast<float[]> shared = jsc.broadcast(queries.data());
    int dim = queries.dim();
    NeighbourList[] best = blocks.mapPartitions(part -> {
      ExactKnn knn = new ExactKnn(new FloatVectors(shared.value(), dim), sim, k);
      while (part.hasNext()) {
        VectorBlock b = part.next();
        knn.add(b.data(), 0, b.size(), b.ids());
      }
      return Collections.singletonList(knn.lists()).iterator();
    }).treeReduce((a, b) -> {
      for (int q = 0; q < a.length; q++) {
        a[q].merge(b[q]);
      }
      return a;
    });
    shared.destroy();
    long[][] out = new long[best.length][];
    for (int q = 0; q < best.length; q++) {
      out[q] = best[q].ids(k);
    }
    return out;
  }
}
