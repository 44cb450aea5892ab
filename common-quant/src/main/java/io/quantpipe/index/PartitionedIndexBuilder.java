package io.quantpipe.index;

import io.quantpipe.format.MappedFile;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.hnsw.HnswPartitionBuilder;
import io.quantpipe.hnsw.HnswPartitionWriter;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsWriter;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link PartitionedIndex} directory in plain Java: trains the coarse centroids, assigns
 * every vector to its nearest one, and builds one HNSW partition per non-empty centroid, with the
 * partition's float vectors beside it for rescoring. Everything is written to a staging sibling
 * that is renamed into place, so a reader sees a whole index or none. The Spark job does the same
 * at scale; this driver serves tests, the CLI and single-machine corpora.
 *
 * <p>Stateless; thread-safe.
 */
public final class PartitionedIndexBuilder {
  /** Lloyd iterations for the coarse centroids. */
  public static final int COARSE_ITERATIONS = 10;
  /** At most this many vectors per centroid train the coarse quantizer (FAISS warns above 256). */
  static final int COARSE_SAMPLES_PER_CENTROID = 256;

  private PartitionedIndexBuilder() {}

  /**
   * @param ids the global id of each vector, distinct and ≥ 0
   * @param quantizer the quantizer whose codes the graphs hold, or {@code null} for float32 graphs
   * @param partitions the number of coarse centroids
   * @throws IllegalArgumentException on bad ids, too few vectors, or an existing {@code dir}
   */
  public static void build(FloatVectors vectors, long[] ids, Similarity similarity, QuantizerArtifact quantizer,
      HnswConfig config, int partitions, int threads, Path dir) throws IOException, InterruptedException {
    if (vectors.count() == 0) {
      throw new IllegalArgumentException("Cannot build an index over an empty corpus: " + dir);
    }
    HnswPartitionWriter.checkIds(ids, vectors.count());
    if (partitions < 1 || partitions > vectors.count()) {
      throw new IllegalArgumentException(String.format(
          "partitions=%d must be in [1, %d] (the number of vectors)", partitions, vectors.count()));
    }
    if (Files.exists(dir)) {
      throw new IllegalArgumentException(dir + " already exists; an index directory is written once");
    }
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, "." + dir.getFileName() + ".staging-");
    try {
      IndexManifest manifest = writeAll(vectors, ids, similarity, quantizer, config, partitions, threads, staging);
      manifest.write(staging);
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(staging)) {
        try (var files = Files.list(staging)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Files.delete(f);
          }
        }
        Files.delete(staging);
      }
    }
  }

  private static IndexManifest writeAll(FloatVectors vectors, long[] ids, Similarity similarity,
      QuantizerArtifact quantizer, HnswConfig config, int partitions, int threads, Path dir)
      throws IOException, InterruptedException {
    int dim = vectors.dim();
    Long quantizerCrc = null;
    if (quantizer != null) {
      QuantizerCodec.write(quantizer.quantizer(), quantizer.paramsJson(), dir.resolve(IndexManifest.QUANTIZER_FILE));
      // Graphs must name the checksum of the file actually shipped, so read it back once.
      quantizer = QuantizerCodec.read(dir.resolve(IndexManifest.QUANTIZER_FILE));
      quantizerCrc = quantizer.crc32c();
    }
    int stride = Math.max(1, vectors.count() / (partitions * COARSE_SAMPLES_PER_CENTROID));
    CoarseQuantizer coarse = CoarseQuantizer.train(strided(vectors, stride), similarity, partitions,
        COARSE_ITERATIONS, config.seed());
    FloatVectors centroids = centroidVectors(coarse);
    FvecsWriter.writeFvecs(dir.resolve(IndexManifest.CENTROIDS_FILE), centroids);

    int[] assignment = new int[vectors.count()];
    int[] starts = new int[partitions + 1];
    for (int i = 0; i < vectors.count(); i++) {
      assignment[i] = coarse.assign(vectors.get(i));
      starts[assignment[i] + 1]++;
    }
    for (int p = 0; p < partitions; p++) {
      starts[p + 1] += starts[p];
    }
    // Ordinals grouped by partition, in ordinal order within each (a counting sort).
    int[] grouped = new int[vectors.count()];
    int[] next = java.util.Arrays.copyOf(starts, partitions);
    for (int i = 0; i < vectors.count(); i++) {
      grouped[next[assignment[i]]++] = i;
    }
    List<IndexManifest.Partition> written = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      int size = starts[p + 1] - starts[p];
      if (size == 0) {
        continue; // an empty centroid gets no file: probes skip it
      }
      float[] rows = new float[size * dim];
      long[] partIds = new long[size];
      for (int j = 0; j < size; j++) {
        int i = grouped[starts[p] + j];
        System.arraycopy(vectors.data(), vectors.offset(i), rows, j * dim, dim);
        partIds[j] = ids[i];
      }
      FloatVectors part = new FloatVectors(rows, dim);
      Path graph = dir.resolve(IndexManifest.graphFile(p));
      Path floats = dir.resolve(IndexManifest.vectorsFile(p));
      HnswPartitionBuilder.build(part, partIds, similarity, quantizer, config,
          HnswPartitionBuilder.DEFAULT_BUILD_SCORES, threads, graph);
      FvecsWriter.writeFvecs(floats, part);
      written.add(new IndexManifest.Partition(p, graph.getFileName().toString(), floats.getFileName().toString(),
          size, crcOf(floats)));
    }
    return new IndexManifest(IndexManifest.VERSION_CURRENT, similarity, dim, quantizerCrc,
        partitions, crcOf(dir.resolve(IndexManifest.CENTROIDS_FILE)), config, written);
  }

  static long crcOf(Path file) throws IOException {
    MappedFile mapped = MappedFile.open(file);
    return Integer.toUnsignedLong(mapped.crc32c(0, mapped.length()));
  }

  private static FloatVectors strided(FloatVectors vectors, int stride) {
    int n = (vectors.count() + stride - 1) / stride;
    float[] rows = new float[n * vectors.dim()];
    for (int i = 0; i < n; i++) {
      System.arraycopy(vectors.data(), vectors.offset(i * stride), rows, i * vectors.dim(), vectors.dim());
    }
    return new FloatVectors(rows, vectors.dim());
  }

  private static FloatVectors centroidVectors(CoarseQuantizer coarse) {
    float[] rows = new float[coarse.count() * coarse.dimension()];
    for (int c = 0; c < coarse.count(); c++) {
      System.arraycopy(coarse.centroid(c), 0, rows, c * coarse.dimension(), coarse.dimension());
    }
    return new FloatVectors(rows, coarse.dimension());
  }
}
