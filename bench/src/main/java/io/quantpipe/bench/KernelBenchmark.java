package io.quantpipe.bench;

import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.binary.BinaryQuantizer;
import io.quantpipe.quant.kmeans.KMeans;
import io.quantpipe.quant.kmeans.KMeansStatistics;
import io.quantpipe.quant.kmeans.NearestCentroid;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.quant.rabitq.RaBitQParams;
import io.quantpipe.quant.rabitq.RaBitQueryScorer;
import io.quantpipe.quant.rabitq.RaBitQuantizer;
import io.quantpipe.quant.scalar.ScalarParams;
import io.quantpipe.quant.scalar.ScalarQuantizer;
import io.quantpipe.search.ExactKnn;
import io.quantpipe.search.ExactSearcher;
import io.quantpipe.search.FastScanSearcher;
import io.quantpipe.search.QuantizedSearcher;
import io.quantpipe.search.RaBitQSearcher;
import io.quantpipe.search.VectorSearcher;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The operations {@code reference_ann.py kernels} times in FAISS, on the same shapes, through the
 * same classes the pipeline uses (searchers, quantizers, k-means), on one thread:
 * <ul>
 *   <li>{@code flat}: exact L2 top-{@code k} over {@code n} float32 vectors ({@link ExactSearcher});
 *   <li>{@code sq8}, {@code sq4}: top-{@code k} over min/max-calibrated scalar codes, L2;
 *   <li>{@code sq8_encode}: encoding the {@code n} vectors to 8-bit codes;
 *   <li>{@code pq_adc}: top-{@code k} by asymmetric distance over {@code n} random PQ codes with a
 *       random codebook, M = d/8 (or the largest divisor below), lookup-table build included;
 *   <li>{@code pq4_fastscan}: the same with 4-bit codes (16 centroids per subspace, same M, half the
 *       bytes) through {@link FastScanSearcher}: quantized-table build, fast scan and exact re-rank
 *       included, against FAISS's {@code IndexPQFastScan} ({@code bin/faiss-pq4 kernel});
 *   <li>{@code hamming}: top-{@code k} by Hamming distance over {@code n} random d-bit codes;
 *   <li>{@code rabitq1}, {@code rabitq1_fastscan}: top-{@code k} by the 1-bit RaBitQ estimate over
 *       the {@code n} Gaussian vectors' codes ({@link RaBitQSearcher}, codes only), one code at a
 *       time and with the fast-scan 1-bit pass; FAISS 1.7.3 has no RaBitQ, so the row beside them
 *       is its 1-bit {@code hamming} scan;
 *   <li>{@code kmeans}: 25 Lloyd iterations of 256 centroids over {@code n} points of d/M dims.
 * </ul>
 * Data are standard normal, as in the reference. Each record carries the reference's fields
 * ({@code kernel, d, n, nq, k, threads, params, seconds, seconds_median, repeat,
 * <unit>_per_second, ns_per_item, unit}). Not thread-safe.
 */
public final class KernelBenchmark {
  /** The kernels, in the reference's order and with its names. */
  public static final List<String> KERNELS =
      List.of("flat", "exact_knn", "sq8_encode", "sq8", "sq4", "pq_adc", "pq4_fastscan", "pq_encode", "hamming",
          "rabitq1", "rabitq1_fastscan", "kmeans");
  private static final int MAX_QUERIES = 4000;
  private static final int KMEANS_ITERATIONS = 25;
  private static final int CENTROIDS = 256;

  private final int n;
  private final int k;
  private final List<String> kernels;
  private final KernelTimer timer;
  private final long seed;

  public KernelBenchmark(int n, int k, List<String> kernels, double minSeconds, int repeat, long seed) {
    this.n = n;
    this.k = k;
    this.kernels = kernels;
    this.timer = new KernelTimer(minSeconds, repeat);
    this.seed = seed;
  }

  /** Runs every selected kernel at dimension {@code d}; each record goes to {@code sink} as it is made. */
  public void run(int d, Consumer<Map<String, Object>> sink) {
    SplittableRandom random = new SplittableRandom(seed + d);
    int m = PqParams.defaultM(d);
    float[][] queries = new float[MAX_QUERIES][];
    for (int q = 0; q < MAX_QUERIES; q++) {
      queries[q] = gaussian(random, d);
    }
    if (kernels.stream().anyMatch(x -> x.equals("flat") || x.equals("exact_knn") || x.startsWith("sq"))) {
      FloatVectors base = new FloatVectors(gaussian(random, n * d), d);
      if (kernels.contains("flat")) {
        sink.accept(search("flat", d, new ExactSearcher(base, Similarity.EUCLIDEAN), queries, "vectors",
            params("index", "ExactSearcher", "kernels", VectorUtil.implementation())));
      }
      if (kernels.contains("exact_knn")) {
        sink.accept(exactKnn(d, base, queries));
      }
      for (int bits : new int[] {8, 4}) {
        String name = "sq" + bits;
        if (!kernels.contains(name) && !(bits == 8 && kernels.contains("sq8_encode"))) {
          continue;
        }
        ScalarQuantizer sq = ScalarQuantizer.train(base.slice(0, Math.min(n, 20_000)), Similarity.EUCLIDEAN,
            ScalarParams.minMax(bits), 1, seed);
        long t0 = System.nanoTime();
        EncodedVectors codes = sq.encodeAll(base);
        double encodeSeconds = (System.nanoTime() - t0) / 1e9;
        if (bits == 8 && kernels.contains("sq8_encode")) {
          // Encoded once more, warm, so that the figure is not the JIT's first sight of the loop.
          t0 = System.nanoTime();
          sq.encodeAll(base);
          encodeSeconds = Math.min(encodeSeconds, (System.nanoTime() - t0) / 1e9);
          sink.accept(record("sq8_encode", d, params("quantizer", "ScalarQuantizer", "bits", 8), 1, encodeSeconds,
              encodeSeconds, n, "vectors"));
        }
        if (kernels.contains(name)) {
          sink.accept(search(name, d, new QuantizedSearcher(codes, 0), queries, "codes",
              params("quantizer", "ScalarQuantizer", "bits", bits, "code_bytes", sq.codeBytes())));
        }
      }
    }
    if (kernels.contains("pq_adc")) {
      float[][] books = new float[m][];
      for (int j = 0; j < m; j++) {
        books[j] = gaussian(random, CENTROIDS * (d / m));
      }
      ProductQuantizer pq = new ProductQuantizer(Similarity.EUCLIDEAN, d, books);
      sink.accept(search("pq_adc", d, new QuantizedSearcher(new EncodedVectors(pq, randomBytes(random, n * m), n), 0),
          queries, "codes", params("M", m, "nbits", 8, "code_bytes", m, "note", "random codebook+codes; includes per-query LUT build")));
    }
    if (kernels.contains("pq4_fastscan")) {
      float[][] books = new float[m][];
      for (int j = 0; j < m; j++) {
        books[j] = gaussian(random, PqParams.KSUB_4BIT * (d / m));
      }
      ProductQuantizer pq4 = new ProductQuantizer(Similarity.EUCLIDEAN, d, PqParams.KSUB_4BIT, books);
      FastScanSearcher searcher = new FastScanSearcher(new EncodedVectors(pq4, randomBytes(random, n * pq4.codeBytes()), n), 0);
      Map<String, Object> r = search("pq4_fastscan", d, searcher, queries, "codes", params("M", m, "nbits", 4, "bbs", 32,
          "code_bytes", pq4.codeBytes(), "kernels", VectorUtil.implementation(),
          "note", "random codebook+codes; includes per-query LUT build, quantization and exact re-rank"));
      @SuppressWarnings("unchecked")
      Map<String, Object> p = (Map<String, Object>) r.get("params");
      p.put("reranks_per_query", Math.round(searcher.candidatesPerSearch() * 10) / 10.0);
      sink.accept(r);
    }
    if (kernels.contains("pq_encode")) {
      sink.accept(pqEncode(d, m, random));
    }
    if (kernels.contains("hamming")) {
      Quantizer bq = BinaryQuantizer.sign(d, Similarity.EUCLIDEAN);
      byte[] codes = randomBytes(random, n * bq.codeBytes());
      sink.accept(search("hamming", d, new QuantizedSearcher(new EncodedVectors(bq, codes, n), 0), queries, "codes",
          params("bits", 8 * bq.codeBytes(), "code_bytes", bq.codeBytes())));
    }
    if (kernels.contains("rabitq1") || kernels.contains("rabitq1_fastscan")) {
      FloatVectors base = new FloatVectors(gaussian(random, n * d), d);
      EncodedVectors codes = RaBitQuantizer.train(base, Similarity.EUCLIDEAN, RaBitQParams.defaults(1, seed))
          .encodeAll(base);
      for (boolean fast : new boolean[] {false, true}) {
        String name = fast ? "rabitq1_fastscan" : "rabitq1";
        if (kernels.contains(name)) {
          RaBitQSearcher searcher = new RaBitQSearcher(codes, null, 0, RaBitQueryScorer.DEFAULT_EPSILON, fast);
          Map<String, Object> r = search(name, d, searcher, queries, "codes", params("bits", 1, "code_bytes",
              codes.quantizer().codeBytes(), "kernels", VectorUtil.implementation(), "note", fast
                  ? "Gaussian vectors; sign sums by the fast-scan kernel, candidates rescored by the 1-bit estimate"
                  : "Gaussian vectors; sign sums by a 256-entry table per code byte"));
          if (fast) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) r.get("params");
            p.put("candidates_per_query", Math.round(10.0 * searcher.oneBitCandidates() / searcher.searches()) / 10.0);
          }
          sink.accept(r);
        }
      }
    }
    if (kernels.contains("kmeans")) {
      sink.accept(kmeans(d, m, random));
    }
  }

  private Map<String, Object> search(String kernel, int d, VectorSearcher searcher, float[][] queries, String unit,
                                     Map<String, Object> params) {
    KernelTimer.Timing t = timer.time(q -> {
      for (int i = 0; i < q; i++) {
        searcher.search(queries[i], k);
      }
    }, MAX_QUERIES);
    return record(kernel, d, params, t.queries(), t.best(), t.median(), n, unit);
  }

  /**
   * Exact top-{@code k} of a batch of at least 64 queries ({@link ExactKnn}, as {@code GroundTruth}
   * and evaluate run it), against the reference's {@code flat_blas} (FAISS's GEMM path, at least 64
   * queries) and our own query-by-query {@code flat}.
   */
  private Map<String, Object> exactKnn(int d, FloatVectors base, float[][] queries) {
    long[] ids = new long[base.count()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    float[] all = new float[MAX_QUERIES * d];
    for (int q = 0; q < MAX_QUERIES; q++) {
      System.arraycopy(queries[q], 0, all, q * d, d);
    }
    KernelTimer.Timing t = timer.time(q -> {
      ExactKnn knn = new ExactKnn(new FloatVectors(java.util.Arrays.copyOf(all, q * d), d), Similarity.EUCLIDEAN, k);
      knn.add(base.data(), 0, base.count(), ids);
      knn.ids(k);
    }, MAX_QUERIES, 64);
    return record("exact_knn", d, params("index", "ExactKnn", "note", "batched: queries as columns, >=64 queries"),
        t.queries(), t.best(), t.median(), n, "vectors");
  }

  /**
   * PQ encoding of {@code min(n, 2,000)} Gaussian vectors with a random codebook, M = d/8: FAISS's
   * {@code ProductQuantizer.compute_codes}. The record is the block API ({@link Quantizer#encodeAll},
   * what Spark and the stream job call); {@code params.single_ns_per_item} is one
   * {@link Quantizer#encode} call per vector, for comparison.
   */
  private Map<String, Object> pqEncode(int d, int m, SplittableRandom random) {
    int count = Math.min(n, 2_000);
    float[][] books = new float[m][];
    for (int j = 0; j < m; j++) {
      books[j] = gaussian(random, CENTROIDS * (d / m));
    }
    ProductQuantizer pq = new ProductQuantizer(Similarity.EUCLIDEAN, d, books);
    FloatVectors vectors = new FloatVectors(gaussian(random, count * d), d);
    KernelTimer.Timing block = timer.time(reps -> {
      for (int r = 0; r < reps; r++) {
        pq.encodeAll(vectors);
      }
    }, 1000);
    byte[] code = new byte[pq.codeBytes()];
    KernelTimer.Timing single = timer.time(reps -> {
      for (int r = 0; r < reps; r++) {
        for (int i = 0; i < count; i++) {
          pq.encode(vectors.get(i), code, 0);
        }
      }
    }, 1000);
    double singleNs = 1e9 * single.best() / ((double) single.queries() * count);
    return record("pq_encode", d, params("M", m, "nbits", 8, "api", "encodeAll", "single_ns_per_item",
        Math.round(singleNs * 10) / 10.0), block.queries(), block.best(), block.median(), count, "vectors");
  }

  /** FAISS's {@code Kmeans(dsub, 256, niter=25)}: random distinct points as the first centroids. */
  private Map<String, Object> kmeans(int d, int m, SplittableRandom random) {
    int dsub = d / m;
    float[] points = gaussian(random, n * dsub);
    float[] init = new float[CENTROIDS * dsub];
    int[] picks = random.ints(0, n).distinct().limit(CENTROIDS).toArray();
    for (int c = 0; c < CENTROIDS; c++) {
      System.arraycopy(points, picks[c] * dsub, init, c * dsub, dsub);
    }
    train(points, dsub, init.clone()); // warm-up, as the search kernels get
    long t0 = System.nanoTime();
    train(points, dsub, init);
    double s = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("kind", "kernel");
    r.put("kernel", "kmeans");
    r.put("d", d);
    r.put("n", n);
    r.put("threads", 1);
    r.put("params", params("dims", dsub, "centroids", CENTROIDS, "niter", KMEANS_ITERATIONS, "M", m, "points_used", n,
        "seed", seed));
    r.put("seconds", round(s));
    r.put("seconds_per_iteration", round(s / KMEANS_ITERATIONS));
    r.put("ns_per_item", round(1e9 * s / ((double) KMEANS_ITERATIONS * n * CENTROIDS)));
    r.put("unit", "trainings");
    return r;
  }

  private void train(float[] points, int dsub, float[] centroids) {
    for (int it = 0; it < KMEANS_ITERATIONS; it++) {
      KMeansStatistics stats = new KMeansStatistics(CENTROIDS, dsub);
      KMeans.accumulate(points, 0, dsub, n, new NearestCentroid(centroids, CENTROIDS, dsub), stats);
      centroids = KMeans.update(stats, centroids);
    }
  }

  private Map<String, Object> record(String kernel, int d, Map<String, Object> params, int nq, double best,
                                     double median, long itemsPerQuery, String unit) {
    double rate = itemsPerQuery * (double) nq / best;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("kind", "kernel");
    r.put("kernel", kernel);
    r.put("d", d);
    r.put("n", n);
    r.put("nq", nq);
    r.put("k", k);
    r.put("threads", 1);
    r.put("params", params);
    r.put("seconds", round(best));
    r.put("seconds_median", round(median));
    r.put("repeat", timer.repeat());
    r.put(unit + "_per_second", Math.round(rate * 10) / 10.0);
    r.put("ns_per_item", Math.round(1e9 / rate * 1e4) / 1e4);
    r.put("unit", unit);
    return r;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1e6) / 1e6;
  }

  private static Map<String, Object> params(Object... keyValues) {
    Map<String, Object> p = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.put((String) keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  private static float[] gaussian(SplittableRandom random, int count) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static byte[] randomBytes(SplittableRandom random, int count) {
    byte[] b = new byte[count];
    for (int i = 0; i < count; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }
}
