package io.quantpipe.spark.jobs;

import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswPartition;
import io.quantpipe.hnsw.MappedVectors;
import io.quantpipe.hnsw.TwoPhaseSearcher;
import io.quantpipe.index.CoarseQuantizer;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.search.SearchResult;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Evaluate: measures the index as written, on held-out queries, in Spark.
 * <ol>
 *   <li>Exact neighbours: every Spark partition of the corpus keeps each query's {@code k} best
 *       (id, score) pairs; the lists are tree-reduced. Only {@code queries × k} pairs reach the driver.
 *   <li>The index: one task per coarse partition copies that partition's files from storage, opens
 *       them with the serving reader ({@link HnswPartition}) and answers the queries that probe it,
 *       timing each search; the driver merges each query's {@code nprobe} lists as
 *       {@code PartitionedIndex.search} does.
 * </ol>
 * A query's latency is the sum of its partition searches: the single-thread serving cost.
 */
public final class EvaluateJob {
  private EvaluateJob() {}

  /**
   * The figures recorded in the manifest.
   *
   * @param recallAt1 mean recall@1
   * @param recallAtK mean recall@k (k = {@code k})
   */
  public record Result(int queries, int k, int ef, int nprobe, int oversample, double recallAt1, double recallAtK,
      double latencyP50Ms, double latencyP99Ms, double meanLatencyMs, double seconds) {}

  /** The hits of one query in one partition. */
  record PartHits(int query, long[] ids, float[] scores, long nanos) implements Serializable {}

  public static Result run(JavaRDD<VectorBlock> blocks, FloatVectors queries, CoarseQuantizer coarse,
      List<Integer> builtCentroids, String indexDir, int k, int ef, int nprobe, int oversample) {
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
    jsc.setJobGroup("evaluate", "evaluate: exact neighbours of " + queries.count() + " queries", false);
    long[][] exact = ExactNeighbors.compute(blocks, queries, coarse.similarity(), k);

    jsc.setJobGroup("evaluate", "evaluate: search the written index", false);
    Map<Integer, List<Integer>> byPartition = new HashMap<>();
    for (int q = 0; q < queries.count(); q++) {
      for (int c : coarse.probe(queries.get(q), nprobe)) {
        if (builtCentroids.contains(c)) {
          byPartition.computeIfAbsent(c, x -> new ArrayList<>()).add(q);
        }
      }
    }
    List<Tuple2<Integer, int[]>> work = new ArrayList<>();
    byPartition.forEach((c, qs) -> work.add(new Tuple2<>(c, qs.stream().mapToInt(Integer::intValue).toArray())));
    work.sort((a, b) -> Integer.compare(a._1(), b._1()));
    Broadcast<float[]> shared = jsc.broadcast(queries.data());
    int dim = queries.dim();
    Similarity sim = coarse.similarity();
    SerializableConfiguration conf = new SerializableConfiguration(jsc.hadoopConfiguration());
    List<PartHits> hits = jsc.parallelize(work, Math.max(1, work.size()))
        .flatMap(w -> searchPartition(w._1(), w._2(), new FloatVectors(shared.value(), dim), indexDir, conf,
            sim, k, ef, oversample).iterator())
        .collect();
    shared.destroy();

    long[] nanos = new long[queries.count()];
    List<List<PartHits>> perQuery = new ArrayList<>();
    for (int q = 0; q < queries.count(); q++) {
      perQuery.add(new ArrayList<>());
    }
    for (PartHits h : hits) {
      perQuery.get(h.query()).add(h);
      nanos[h.query()] += h.nanos();
    }
    double r1 = 0;
    double rk = 0;
    for (int q = 0; q < queries.count(); q++) {
      long[] approx = merge(perQuery.get(q), k);
      r1 += recall(approx, exact[q], 1);
      rk += recall(approx, exact[q], k);
    }
    Arrays.sort(nanos);
    int n = queries.count();
    double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
    return new Result(n, k, ef, nprobe, oversample, r1 / n, rk / n, nanos[(n - 1) / 2] / 1e6,
        nanos[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)] / 1e6, mean, (System.nanoTime() - t0) / 1e9);
  }

  /** recall@r: the share of the exact top r found in the approximate top r. */
  static double recall(long[] approx, long[] exact, int r) {
    int found = 0;
    int limit = Math.min(r, exact.length);
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

  private static long[] merge(List<PartHits> lists, int k) {
    List<long[]> all = new ArrayList<>();
    for (PartHits h : lists) {
      for (int i = 0; i < h.ids().length; i++) {
        all.add(new long[] {Float.floatToIntBits(h.scores()[i]), h.ids()[i]});
      }
    }
    all.sort((a, b) -> {
      int c = Float.compare(Float.intBitsToFloat((int) b[0]), Float.intBitsToFloat((int) a[0]));
      return c != 0 ? c : Long.compare(a[1], b[1]);
    });
    return all.stream().limit(k).mapToLong(a -> a[1]).toArray();
  }

  private static List<PartHits> searchPartition(int centroid, int[] queryIds, FloatVectors queries, String indexDir,
      SerializableConfiguration conf, Similarity sim, int k, int ef, int oversample) throws IOException {
    IndexStore store = new IndexStore(indexDir, conf.value());
    Path local = Files.createTempDirectory("quantpipe-eval-");
    try {
      Path graph = local.resolve(IndexManifest.graphFile(centroid));
      Path floats = local.resolve(IndexManifest.vectorsFile(centroid));
      store.download(IndexManifest.graphFile(centroid), graph);
      store.download(IndexManifest.vectorsFile(centroid), floats);
      HnswPartition partition;
      if (store.exists(IndexManifest.QUANTIZER_FILE)) {
        QuantizerArtifact artifact = QuantizerCodec.read(store.readBytes(IndexManifest.QUANTIZER_FILE), "quantizer");
        partition = HnswPartition.open(graph, artifact, true);
      } else {
        partition = HnswPartition.openFloat(graph, queries.dim(), sim, true);
      }
      TwoPhaseSearcher searcher = new TwoPhaseSearcher(partition, MappedVectors.open(floats, queries.dim(), sim));
      for (int q : queryIds) { // warm-up: time searches, not class loading and the JIT
        searcher.search(queries.get(q), k, ef, oversample, null);
      }
      List<PartHits> out = new ArrayList<>();
      for (int q : queryIds) {
        long t0 = System.nanoTime();
        SearchResult r = searcher.search(queries.get(q), k, ef, oversample, null);
        long nanos = System.nanoTime() - t0;
        long[] ids = new long[r.size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = partition.id(r.ids()[i]);
        }
        out.add(new PartHits(q, ids, r.scores().clone(), nanos));
      }
      return out;
    } finally {
      try (var files = Files.list(local)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(local);
    }
  }
}
