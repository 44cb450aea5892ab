package io.quantpipe.hnsw;

import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Builds one partition file from float vectors: encodes them with the quantizer (if any), links
 * the graph and writes it with the quantizer artifact's checksum, so a reader can refuse codes
 * made by another quantizer. The driver both the {@code hnsw} command and partitioned builds use.
 *
 * <p>The graph's topology is scored either on the float vectors ({@link BuildScores#FLOAT}, the
 * default: the batch build has them, and exact scores give the best links, as DiskANN and JVector
 * build) or on the codes ({@link BuildScores#CODES}: the inserted vector is the float query, its
 * neighbours are scored as codes, the way searches will see them). Stateless; thread-safe.
 */
public final class HnswPartitionBuilder {
  /** What the build scores links with. */
  public enum BuildScores { FLOAT, CODES }

  /** What a build did: the graph, its wall time, and the file it wrote. */
  public record Built(OnHeapHnswGraph graph, double buildSeconds, double encodeSeconds, Path file) {}

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
    long t1 = System.nanoTime();
    ScorerSupplier scorers = codes != null && scores == BuildScores.CODES
        ? new QuantizedScorerSupplier(vectors, codes)
        : new FloatScorerSupplier(vectors, similarity);
    OnHeapHnswGraph graph = new HnswBuilder(scorers, config).build(threads);
    long t2 = System.nanoTime();
    HnswPartitionWriter.write(file, graph, config, vectors.dim(), similarity, ids, codes,
        quantizer == null ? 0 : (int) quantizer.crc32c());
    return new Built(graph, (t2 - t1) / 1e9, (t1 - t0) / 1e9, file);
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
