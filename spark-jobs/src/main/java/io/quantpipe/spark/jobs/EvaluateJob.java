package io.quantpipe.spark.jobs;

import io.quantpipe.eval.IndexEvaluation;
import io.quantpipe.eval.SearchTuning;
import io.quantpipe.eval.SearchTuning.Measured;
import io.quantpipe.eval.SearchTuning.Setting;
import io.quantpipe.index.CoarseQuantizer;
import io.quantpipe.spark.io.VectorBlock;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Evaluate: measures the index as written, on held-out queries, in Spark, and with a target recall
 * chooses the search parameters it is served with ({@link SearchTuning}).
 * <ol>
 *   <li>Exact neighbours: every Spark partition of the corpus keeps each query's {@code k} best
 *       (id, score) pairs; the lists are tree-reduced. Only {@code queries × k} pairs reach the driver.
 *   <li>The index: one task per coarse partition ({@link PartitionSearch}) answers the queries
 *       that probe it, once per beam width and oversampling factor of the settings measured.
 *   <li>Per query (grouped by query, on the executors): for each setting, the query's hits in its
 *       {@code nprobe} nearest partitions are merged as {@code PartitionedIndex.search} merges
 *       them, and scored against the exact neighbours. Only {@code queries × settings} figures
 *       reach the driver.
 * </ol>
 * A query's latency is the sum of its partition searches: the single-thread serving cost.
 */
public final class EvaluateJob {
  private EvaluateJob() {}

  /**
   * The figures recorded in the manifest, at the parameters the version is served with.
   *
   * @param recallAt1 mean recall@1
   * @param recallAtK mean recall@k (k = {@code k})
   * @param tuning how the parameters were chosen, or {@code null} when the profile fixed them
   */
  public record Result(int queries, int k, int ef, int nprobe, int oversample, double recallAt1, double recallAtK,
      double latencyP50Ms, double latencyP99Ms, double meanLatencyMs, double seconds, SearchTuning.Choice tuning) {}

  /** One query's figures for every setting, in the settings' order. */
  record QueryFigures(int query, double[] recallAt1, double[] recallAtK, long[] nanos, long[] bytes)
      implements Serializable {}

  /**
   * Measures the index at {@code fixed}, or, with {@code targetRecall > 0}, at every setting of
   * {@link SearchTuning#grid} and keeps the cheapest reaching the target.
   *
   * @param rescoring whether searches rescore with float32 (hybrid strategies): the grid then
   *     varies the oversampling too
   */
  public static Result run(JavaRDD<VectorBlock> blocks, FloatVectors queries, CoarseQuantizer coarse,
      List<Integer> builtCentroids, String indexDir, int k, Setting fixed, double targetRecall, boolean rescoring) {
    long t0 = System.nanoTime();
    List<Setting> settings = targetRecall > 0 ? SearchTuning.grid(coarse.count(), k, rescoring) : List.of(fixed);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
    jsc.setJobGroup("evaluate", "evaluate: exact neighbours of " + queries.count() + " queries", false);
    long[][] exact = ExactNeighbors.compute(blocks, queries, coarse.similarity(), k);

    jsc.setJobGroup("evaluate", String.format("evaluate: search the written index at %d setting%s",
        settings.size(), settings.size() == 1 ? "" : "s"), false);
    List<Setting> pairs = PartitionSearch.pairs(settings);
    int[] deepest = new int[pairs.size()];
    int[] pairOf = new int[settings.size()];
    for (int s = 0; s < settings.size(); s++) {
      pairOf[s] = pairs.indexOf(new Setting(0, settings.get(s).ef(), settings.get(s).oversample()));
      deepest[pairOf[s]] = Math.max(deepest[pairOf[s]], settings.get(s).nprobe());
    }
    int maxProbe = settings.stream().mapToInt(Setting::nprobe).max().orElseThrow();
    Map<Integer, List<int[]>> byPartition = new HashMap<>(); // centroid -> (query, rank)
    for (int q = 0; q < queries.count(); q++) {
      int[] probed = coarse.probe(queries.get(q), maxProbe);
      for (int rank = 0; rank < probed.length; rank++) {
        if (builtCentroids.contains(probed[rank])) {
          byPartition.computeIfAbsent(probed[rank], x -> new ArrayList<>()).add(new int[] {q, rank});
        }
      }
    }
    List<Tuple2<Integer, int[][]>> work = new ArrayList<>();
    byPartition.forEach((c, qs) -> work.add(new Tuple2<>(c, new int[][] {
        qs.stream().mapToInt(a -> a[0]).toArray(), qs.stream().mapToInt(a -> a[1]).toArray()})));
    work.sort((a, b) -> Integer.compare(a._1(), b._1()));

    Broadcast<float[]> shared = jsc.broadcast(queries.data());
    Broadcast<long[][]> truth = jsc.broadcast(exact);
    int dim = queries.dim();
    Similarity sim = coarse.similarity();
    SerializableConfiguration conf = new SerializableConfiguration(jsc.hadoopConfiguration());
    List<QueryFigures> figures = jsc.parallelize(work, Math.max(1, work.size()))
        .flatMap(w -> PartitionSearch.run(w._1(), w._2()[0], w._2()[1], new FloatVectors(shared.value(), dim),
            indexDir, conf.value(), sim, k, pairs, deepest).iterator())
        .mapToPair(t -> t)
        .groupByKey(Math.max(1, Math.min(queries.count(), work.size())))
        .map(g -> score(g._1(), g._2(), truth.value()[g._1()], settings, pairOf, k))
        .collect();
    shared.destroy();
    truth.destroy();

    List<Measured> measured = new ArrayList<>();
    for (int s = 0; s < settings.size(); s++) {
      measured.add(summarise(settings.get(s), s, figures, queries.count()));
    }
    SearchTuning.Choice choice = SearchTuning.choose(measured, targetRecall > 0 ? targetRecall : 0, k);
    Measured m = choice.chosen();
    Setting used = m.setting();
    return new Result(m.queries(), k, used.ef(), used.nprobe(), used.oversample(), m.recallAt1(), m.recallAtK(),
        m.latencyP50Ms(), m.latencyP99Ms(), m.latencyMeanMs(), (System.nanoTime() - t0) / 1e9,
        targetRecall > 0 ? choice : null);
  }

  /** One query's recall, time and bytes at every setting, from its hits in the partitions it probed. */
  private static QueryFigures score(int query, Iterable<PartitionSearch.Hits> hits, long[] exact,
      List<Setting> settings, int[] pairOf, int k) {
    List<PartitionSearch.Hits> all = new ArrayList<>();
    hits.forEach(all::add);
    int n = settings.size();
    QueryFigures f = new QueryFigures(query, new double[n], new double[n], new long[n], new long[n]);
    for (int s = 0; s < n; s++) {
      List<PartitionSearch.Hits> used = new ArrayList<>();
      for (PartitionSearch.Hits h : all) {
        if (h.pair() == pairOf[s] && h.rank() < settings.get(s).nprobe()) {
          used.add(h);
          f.nanos()[s] += h.nanos();
          f.bytes()[s] += h.bytes();
        }
      }
      long[] approx = merge(used, k);
      f.recallAt1()[s] = IndexEvaluation.recall(approx, exact, 1);
      f.recallAtK()[s] = IndexEvaluation.recall(approx, exact, k);
    }
    return f;
  }

  /** Setting {@code s} over all queries; a query that probed no built partition scores 0. */
  private static Measured summarise(Setting setting, int s, List<QueryFigures> figures, int queries) {
    double[] r1 = new double[queries];
    double[] rk = new double[queries];
    long[] nanos = new long[queries];
    long[] bytes = new long[queries];
    for (QueryFigures f : figures) {
      r1[f.query()] = f.recallAt1()[s];
      rk[f.query()] = f.recallAtK()[s];
      nanos[f.query()] = f.nanos()[s];
      bytes[f.query()] = f.bytes()[s];
    }
    return SearchTuning.summarise(setting, r1, rk, nanos, bytes);
  }

  /** The best {@code k} ids over the lists, by score then id, as {@code PartitionedIndex} merges. */
  private static long[] merge(List<PartitionSearch.Hits> lists, int k) {
    List<long[]> all = new ArrayList<>();
    for (PartitionSearch.Hits h : lists) {
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
}
