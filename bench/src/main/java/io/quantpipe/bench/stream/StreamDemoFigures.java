package io.quantpipe.bench.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.catalog.Codebooks;
import java.util.ArrayList;
import java.util.List;

/** The stream demo's figures: the per-record profile outside Flink, percentiles, and the printed table. Stateless. */
final class StreamDemoFigures {
  private static volatile long blackhole;

  private StreamDemoFigures() {}

  /**
   * Where the time goes, on one thread outside Flink: microseconds per record to parse the JSON
   * and to encode (partition and code) in blocks of 32 as the job's encoder does
   * ({@link Codebooks#encodeBlock}), and one at a time ({@code encode_one_us_per_record}), over the
   * first 20,000 records, best of 3 passes after a warm-up pass. The rest of a record's cost in the
   * job is Kafka and Flink.
   */
  static void profile(long records, ObjectNode figures, DemoWorkload workload, Codebooks books) throws Exception {
    int n = (int) Math.min(records, 20_000);
    List<io.quantpipe.flink.record.RawRecord> raw = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      raw.add(new io.quantpipe.flink.record.RawRecord("inserts", 0, i, 0, null, workload.insert(i)));
    }
    double parse = Double.MAX_VALUE;
    double encode = Double.MAX_VALUE;
    double encodeOne = Double.MAX_VALUE;
    List<float[]> vectors = new ArrayList<>();
    for (var r : raw) {
      vectors.add(io.quantpipe.flink.record.InsertParser.parse(r).vector());
    }
    int dim = books.dimension();
    float[] all = new float[n * dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(vectors.get(i), 0, all, i * dim, dim);
    }
    int block = 32;
    float[] rows = new float[block * dim];
    byte[] codes = new byte[block * books.codeBytes()];
    int[] partitions = new int[block];
    byte[] code = new byte[books.codeBytes()];
    long sink = 0;
    for (int pass = 0; pass < 4; pass++) {
      long t0 = System.nanoTime();
      for (var r : raw) {
        sink += io.quantpipe.flink.record.InsertParser.parse(r).id();
      }
      long t1 = System.nanoTime();
      for (int from = 0; from < n; from += block) {
        int count = Math.min(block, n - from);
        System.arraycopy(all, from * dim, rows, 0, count * dim); // as the job gathers its block
        books.encodeBlock(rows, count, codes, partitions);
        sink += partitions[0];
      }
      long t2 = System.nanoTime();
      for (float[] v : vectors) {
        sink += books.encode(v, code);
      }
      long t3 = System.nanoTime();
      if (pass > 0) {
        parse = Math.min(parse, (t1 - t0) / 1e3 / n);
        encode = Math.min(encode, (t2 - t1) / 1e3 / n);
        encodeOne = Math.min(encodeOne, (t3 - t2) / 1e3 / n);
      }
    }
    blackhole = sink; // keeps the timed loops from being optimised away
    figures.put("parse_us_per_record", parse).put("encode_us_per_record", encode)
        .put("encode_one_us_per_record", encodeOne);
  }

  /** The figures as a two-column table, one row per figure, in the order the JSON has them. */
  static String table(ObjectNode figures) {
    StringBuilder t = new StringBuilder("\n| figure | value |\n|---|---:|\n");
    figures.fields().forEachRemaining(e -> {
      var v = e.getValue();
      String text = v.isObject() ? v.toString().replace("\"", "")
          : v.isFloatingPointNumber() ? String.format(java.util.Locale.ROOT, "%,.1f", v.asDouble())
          : v.isNumber() ? String.format(java.util.Locale.ROOT, "%,d", v.asLong()) : v.asText();
      t.append("| ").append(e.getKey()).append(" | ").append(text).append(" |\n");
    });
    return t.toString();
  }

  static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
