package io.quantpipe.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measured outcome of one strategy on one dataset. {@link #toJson()} uses the field names of
 * {@code reference_ann.py}'s {@code ann} rows so the two outputs join row by row.
 *
 * @param method the strategy as the user named it
 * @param referenceMethod the reference_ann.py method it joins with
 * @param params training and search parameters
 * @param indexBytes codes plus model (the quantizer artifact), in bytes
 * @param codeBytesPerVector bytes of one code, corrections included
 * @param rescoreFloatBytes float32 bytes a hybrid also reads for rescoring (0 otherwise)
 * @param recall recall@1, @10, @100 (NaN where k is too small)
 * @param recallAtK recall@k at the run's own k
 * @param precision precision@k
 * @param ndcg NDCG@k
 * @param map MAP@k
 * @param trainSeconds training time
 * @param buildSeconds encoding time
 * @param querySeconds best total time over all queries
 */
public record EvalResult(String dataset, String metric, int n, int d, int nq, int k, int threads,
                         String method, String referenceMethod, Map<String, Object> params,
                         long indexBytes, int codeBytesPerVector, long rescoreFloatBytes,
                         double[] recall, double recallAtK, double precision, double ndcg, double map,
                         double trainSeconds, double buildSeconds, double querySeconds) {

  public double bytesPerVector() {
    return indexBytes / (double) n;
  }

  public double compressionRatio() {
    return 4.0 * d * n / indexBytes;
  }

  public double qps() {
    return nq / querySeconds;
  }

  /** recall@{1, 10, 100} by depth; NaN when not measured. */
  public double recallAt(int depth) {
    return depth == 1 ? recall[0] : depth == 10 ? recall[1] : recall[2];
  }

  /** The JSON object written per strategy. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "ann");
    m.put("tool", "quantpipe");
    m.put("dataset", dataset);
    m.put("metric", metric);
    m.put("n", n);
    m.put("d", d);
    m.put("nq", nq);
    m.put("k", k);
    m.put("threads", threads);
    m.put("method", method);
    m.put("reference_method", referenceMethod);
    m.put("params", params);
    m.put("train_seconds", round(trainSeconds, 6));
    m.put("build_seconds", round(buildSeconds, 6));
    m.put("index_bytes", indexBytes);
    m.put("bytes_per_vector", round(bytesPerVector(), 3));
    m.put("code_bytes_per_vector", codeBytesPerVector);
    m.put("compression_ratio", round(compressionRatio(), 3));
    m.put("rescore_float_bytes", rescoreFloatBytes);
    m.put("recall@1", nullable(recall[0]));
    m.put("recall@10", nullable(recall[1]));
    m.put("recall@100", nullable(recall[2]));
    if (k != 1 && k != 10 && k != 100) {
      m.put("recall@" + k, round(recallAtK, 5));
    }
    m.put("precision@" + k, round(precision, 5));
    m.put("ndcg@" + k, round(ndcg, 5));
    m.put("map@" + k, round(map, 5));
    m.put("query_seconds", round(querySeconds, 6));
    m.put("qps", round(qps(), 2));
    m.put("us_per_query", round(1e6 * querySeconds / nq, 3));
    return m;
  }

  private static Object nullable(double v) {
    return Double.isNaN(v) ? null : round(v, 5);
  }

  private static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }
}
