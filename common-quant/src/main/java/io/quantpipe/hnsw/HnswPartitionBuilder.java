package io.quantpipe.hnsw;

import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.hnsw.buildcodes.BuildCodeScorers;
import io.quantpipe.hnsw.buildcodes.BuildCodes;
import io.quantpipe.hnsw.buildcodes.BuildQuantizer;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * Builds one partition file from float vectors: encodes them with the quantizer (if any), links
 * the graph and writes it with the quantizer artifact's checksum, so a reader can refuse codes
 * made by another quantizer. The driver both the {@code hnsw} command and partitioned builds use.
 *
 * <p>The graph's topology is scored on the float vectors ({@link BuildScores#FLOAT}) or on
 * transient int8 build codes ({@link BuildScores#CODES}), whatever the file stores. Stateless;
 * thread-safe.
 */
public final class HnswPartitionBuilder {
  /**
   * Bits of the transient build codes: 8. The 7-bit kernel ({@code dotSevenBit}, four products per
   * 16-bit lane) is faster in cache (17 against 20 ns per code at d = 384, both scoring a neighbour
   * list two codes per pass), but from memory, where a large build spends its time, both cost
   * ~100 ns per code, and 7 bits lost 0.010 recall@10 at ef 16 on minilm-100k (docs/benchmarks.md).
   */
  public static final int BUILD_CODE_BITS = 8;

  /** What pipelines link graphs on unless told otherwise (see docs/benchmarks.md, HNSW). */
  public static final BuildScores DEFAULT_BUILD_SCORES = BuildScores.FLOAT;

  /** What the build scores links with. */
  public enum BuildScores {
    /** Exact float32 scores everywhere (DiskANN's and JVector's choice for batch builds). */
    FLOAT,
    /**
     * Transient int8 build codes ({@link BuildQuantizer}, whatever the file stores), scored code
     * against code ({@link BuildCodeScorers}) for each insertion's candidate search: a quarter of
     * the floats' bytes to random-access. The efConstruction candidates are then re-scored in
     * float32 for the neighbour-selection heuristic and the stored link scores (JVector's
     * rescoring), so links are chosen as a float build chooses them. Linking on codes alone was
     * measured 5–25% faster but lost up to 0.03 recall@10 on the 100k set (docs/benchmarks.md).
     */
    CODES;

    /** The name options and commands use: {@code float} or {@code codes}. */
    public String cliName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses a {@link #cliName()}. */
    public static BuildScores fromCliName(String name) {
      for (BuildScores s : values()) {
        if (s.cliName().equals(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException("must be float or codes; got '" + name + "'");
    }
  }

  /**
   * What a build did: the graph, its wall time, the calling thread's CPU time of a one-thread
   * build ({@code NaN} for several threads: their CPU time is not the caller's), the encode time
   * (stored codes, and for a code build its build codes), and the file it wrote.
   */
  public record Built(OnHeapHnswGraph graph, double buildSeconds, double buildCpuSeconds, double encodeSeconds,
      Path file) {}

  private HnswPartitionBuilder() {}

  /**
   * @param ids the global id of each vector (ordinal order), distinct and ≥ 0
   * @param quantizer the quantizer whose codes the file holds, or {@code null} for a float32 graph
   */
  public static Built build(FloatVectors vectors, long[] ids, Similarity similarity, QuantizerArtifact quantizer,
      HnswConfig config, BuildScores scores, int threads, Path file) throws IOException, InterruptedException {
    if (vectors.count() == 0) {
      throw new IllegalArgumentException("Cannot build a partition over no vectors: " + file);
    }
    HnswPartitionWriter.checkIds(ids, vectors.count());
    EncodedVectors codes = null;
    long t0 = System.nanoTime();
    if (quantizer != null) {
      codes = quantizer.quantizer().encodeAll(vectors);
    }
    HnswBuilder builder = builder(vectors, similarity, config, scores);
    long t1 = System.nanoTime();
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long c1 = cpu.getCurrentThreadCpuTime();
    OnHeapHnswGraph graph = builder.build(threads);
    double cpuSeconds = threads == 1 ? (cpu.getCurrentThreadCpuTime() - c1) / 1e9 : Double.NaN;
    long t2 = System.nanoTime();
    HnswPartitionWriter.write(file, graph, config, vectors.dim(), similarity, ids, codes,
        quantizer == null ? 0 : (int) quantizer.crc32c());
    return new Built(graph, (t2 - t1) / 1e9, cpuSeconds, (t1 - t0) / 1e9, file);
  }

  /** A builder scoring links as {@code scores} says; a code build encodes its build codes here. */
  static HnswBuilder builder(FloatVectors vectors, Similarity similarity, HnswConfig config, BuildScores scores) {
    FloatScorerSupplier floats = new FloatScorerSupplier(vectors, similarity);
    if (scores == BuildScores.FLOAT) {
      return new HnswBuilder(floats, config);
    }
    BuildCodes codes = BuildQuantizer.train(floats.vectors(), similarity.kernel(), BUILD_CODE_BITS)
        .encodeAll(floats.vectors());
    return new HnswBuilder(new BuildCodeScorers(codes, similarity), floats, config);
  }

  /** The ids 0 … n−1. */
  public static long[] ordinalIds(int n) {
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    return ids;
  }
}
