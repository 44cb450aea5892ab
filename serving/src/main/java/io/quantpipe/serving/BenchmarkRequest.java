package io.quantpipe.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * One {@code POST /v1/benchmark} body: {@code {"queries": 100, "k": 10, "nprobe": 4, "ef": 64,
 * "oversample": 4}}, every field optional. Left-out search parameters take the served version's
 * defaults, as a search does; {@code queries} defaults to all the version's held-out queries.
 * Every refusal is a {@link BadRequestException} naming the field. Immutable.
 *
 * @param queries how many of the held-out queries to run, or {@code null} for all of them
 * @param k the neighbours compared per query
 */
record BenchmarkRequest(Integer queries, int k, Integer nprobe, Integer ef, Integer oversample) {
  static final String FIELDS = "queries, k, nprobe, ef, oversample";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses a body; an empty one asks for the defaults. */
  static BenchmarkRequest parse(byte[] body, int maxK) {
    if (body.length == 0) {
      return new BenchmarkRequest(null, SearchRequest.DEFAULT_K, null, null, null);
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException e) {
      throw new BadRequestException("malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (tree == null || !tree.isObject()) {
      throw new BadRequestException("the body must be a JSON object, such as {\"queries\": 100}");
    }
    Integer queries = null;
    int k = SearchRequest.DEFAULT_K;
    Integer nprobe = null;
    Integer ef = null;
    Integer oversample = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      switch (f.getKey()) {
        case "queries" -> queries = bounded(f, 1, 1_000_000);
        case "k" -> k = bounded(f, 1, maxK);
        case "nprobe" -> nprobe = bounded(f, 1, 1 << 20);
        case "ef" -> ef = bounded(f, 1, 1 << 16);
        case "oversample" -> oversample = bounded(f, 1, 1000);
        default -> throw new BadRequestException("unknown field '" + f.getKey() + "'; known fields: " + FIELDS);
      }
    }
    return new BenchmarkRequest(queries, k, nprobe, ef, oversample);
  }

  private static int bounded(Map.Entry<String, JsonNode> f, int min, int max) {
    JsonNode v = f.getValue();
    if (!v.isIntegralNumber()) {
      throw new BadRequestException("'" + f.getKey() + "' must be an integer; got " + v);
    }
    if (!v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      throw new BadRequestException("'" + f.getKey() + "' is " + v + "; it must be in [" + min + ", " + max + "]"
          + (f.getKey().equals("k") ? " (max-k)" : ""));
    }
    return v.asInt();
  }
}
