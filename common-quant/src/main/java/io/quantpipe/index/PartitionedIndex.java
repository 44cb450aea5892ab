package io.quantpipe.index;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswPartition;
import io.quantpipe.hnsw.HnswSearcher;
import io.quantpipe.hnsw.MappedVectors;
import io.quantpipe.hnsw.TwoPhaseSearcher;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.search.SearchResult;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongPredicate;

/**
 * A served index: a directory of HNSW partitions (one per coarse centroid, written by
 * {@link PartitionedIndexBuilder} or the Spark job), searched {@code nprobe} partitions at a time
 * and merged, plus what changed since the build: streamed inserts in an in-memory
 * {@link DeltaSegment} and deletions as a tombstone bitset per partition. Partitions stay
 * memory-mapped; only the centroids, the tombstones and the delta live on the heap.
 *
 * <p>Thread-safe: searches run concurrently; inserts and deletes take a write lock.
 */
public final class PartitionedIndex {
  private final Path dir;
  private final Similarity similarity;
  private final int dimension;
  private final Quantizer quantizer;
  private final CoarseQuantizer coarse;
  /** By centroid; null where the centroid has no partition. */
  private final HnswPartition[] partitions;
  private final MappedVectors[] floats;
  private final BitSet[] tombstones;
  private final DeltaSegment delta;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final ThreadLocal<HnswSearcher> searchers = ThreadLocal.withInitial(HnswSearcher::new);
  private long deleted;
  private static volatile int touchedSink;

  private PartitionedIndex(Path dir, IndexManifest manifest, Quantizer quantizer, CoarseQuantizer coarse,
      HnswPartition[] partitions, MappedVectors[] floats) {
    this.dir = dir;
    this.similarity = manifest.similarity();
    this.dimension = manifest.dimension();
    this.quantizer = quantizer;
    this.coarse = coarse;
    this.partitions = partitions;
    this.floats = floats;
    this.tombstones = new BitSet[partitions.length];
    for (int p = 0; p < partitions.length; p++) {
      tombstones[p] = new BitSet();
    }
    this.delta = new DeltaSegment(quantizer, similarity, dimension);
  }

  /**
   * Opens an index directory, checking every file against the manifest.
   *
   * @param verifyChecksums read every file once for its CRC32C; {@code false} checks headers and
   *     lengths only, for a fast start from files verified on arrival
   */
  public static PartitionedIndex open(Path dir, boolean verifyChecksums) throws IOException {
    IndexManifest manifest = IndexManifest.read(dir);
    int dim = manifest.dimension();
    Similarity sim = manifest.similarity();
    QuantizerArtifact artifact = null;
    if (manifest.quantizerCrc() != null) {
      artifact = QuantizerCodec.read(dir.resolve(IndexManifest.QUANTIZER_FILE), dim, sim);
      if (artifact.crc32c() != manifest.quantizerCrc()) {
        throw new CorruptArtifactException(dir.resolve(IndexManifest.QUANTIZER_FILE).toString(), String.format(
            "CRC32C 0x%08X, but the manifest names 0x%08X", artifact.crc32c(), manifest.quantizerCrc()));
      }
    }
    Path centroidFile = dir.resolve(IndexManifest.CENTROIDS_FILE);
    checkCrc(centroidFile, manifest.centroidsCrc(), verifyChecksums);
    FloatVectors centroids = FvecsReader.readFvecs(centroidFile);
    if (centroids.count() != manifest.centroids() || centroids.dim() != dim) {
      throw new CorruptArtifactException(centroidFile.toString(), String.format(
          "%d centroids of dimension %d, but the manifest says %d of dimension %d",
          centroids.count(), centroids.dim(), manifest.centroids(), dim));
    }
    HnswPartition[] parts = new HnswPartition[manifest.centroids()];
    MappedVectors[] vectors = new MappedVectors[manifest.centroids()];
    for (IndexManifest.Partition p : manifest.partitions()) {
      if (p.centroid() < 0 || p.centroid() >= parts.length || parts[p.centroid()] != null) {
        throw new CorruptArtifactException(dir.resolve(IndexManifest.FILE).toString(), String.format(
            "partition %s names centroid %d, which is out of [0, %d) or taken twice", p.graph(), p.centroid(), parts.length));
      }
      Path graph = dir.resolve(p.graph());
      parts[p.centroid()] = artifact == null
          ? HnswPartition.openFloat(graph, dim, sim, verifyChecksums)
          : HnswPartition.open(graph, artifact, verifyChecksums);
      Path floatFile = dir.resolve(p.vectors());
      checkCrc(floatFile, p.vectorsCrc(), verifyChecksums);
      vectors[p.centroid()] = MappedVectors.open(floatFile, dim, sim);
      if (parts[p.centroid()].size() != p.nodes() || vectors[p.centroid()].size() != p.nodes()) {
        throw new CorruptArtifactException(graph.toString(), String.format(
            "%d graph nodes and %d vectors, but the manifest says %d", parts[p.centroid()].size(),
            vectors[p.centroid()].size(), p.nodes()));
      }
    }
    CoarseQuantizer coarse = new CoarseQuantizer(centroids.data(), centroids.count(), dim, sim);
    return new PartitionedIndex(dir, manifest, artifact == null ? null : artifact.quantizer(), coarse, parts, vectors);
  }

  private static void checkCrc(Path file, long expected, boolean verify) throws IOException {
    if (verify && PartitionedIndexBuilder.crcOf(file) != expected) {
      throw new CorruptArtifactException(file.toString(), String.format(
          "checksum mismatch: the manifest says CRC32C 0x%08X", expected));
    }
  }

  /**
   * The {@code k} best live vectors for {@code query} among the {@code nprobe} nearest partitions
   * and the delta.
   *
   * @param oversample quantized partitions: candidates rescored in float32 per result (1 = none)
   * @param filter global ids that may be returned, or {@code null} for all
   */
  public IndexHits search(float[] query, int k, int ef, int nprobe, int oversample, LongPredicate filter) {
    if (query.length != dimension) {
      throw new IllegalArgumentException(String.format(
          "Query dimension %d does not match the index's dimension %d (%s)", query.length, dimension, dir));
    }
    if (nprobe <= 0) {
      throw new IllegalArgumentException("nprobe must be positive; nprobe=" + nprobe);
    }
    lock.readLock().lock();
    try {
      HitCollector hits = new HitCollector(k);
      HnswSearcher searcher = searchers.get();
      for (int c : coarse.probe(query, nprobe)) {
        HnswPartition partition = partitions[c];
        if (partition == null) {
          continue;
        }
        BitSet dead = tombstones[c];
        SearchResult r = new TwoPhaseSearcher(partition, floats[c], searcher).search(query, k, ef, oversample,
            node -> !dead.get(node) && (filter == null || filter.test(partition.id(node))));
        for (int i = 0; i < r.size(); i++) {
          hits.offer(partition.id(r.ids()[i]), r.scores()[i]);
        }
      }
      delta.search(query, filter, hits);
      return hits.drain();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The exact {@code k} best live vectors: every partition's float32 vectors and the delta scanned
   * in full (a delta entry streamed without its float is scored by its code). The ground truth
   * {@link #search} is measured against; costs {@code liveCount() × dimension} multiply-adds.
   */
  public IndexHits exactSearch(float[] query, int k) {
    if (query.length != dimension) {
      throw new IllegalArgumentException(String.format(
          "Query dimension %d does not match the index's dimension %d (%s)", query.length, dimension, dir));
    }
    lock.readLock().lock();
    try {
      HitCollector hits = new HitCollector(k);
      for (int c = 0; c < partitions.length; c++) {
        if (partitions[c] != null) {
          io.quantpipe.quant.QueryScorer exact = floats[c].scorer(query);
          for (int node = 0; node < partitions[c].size(); node++) {
            if (!tombstones[c].get(node)) {
              hits.offer(partitions[c].id(node), exact.score(node));
            }
          }
        }
      }
      delta.search(query, null, hits);
      return hits.drain();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Adds a streamed vector: encoded here with the index's quantizer, its float kept for rescoring. */
  public void insert(long id, float[] vector) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException(String.format(
          "Vector %d has dimension %d; the index's dimension is %d", id, vector.length, dimension));
    }
    byte[] code = null;
    try {
      if (quantizer != null) {
        code = new byte[quantizer.codeBytes()];
        quantizer.encode(vector, code, 0);
      } else {
        checkFinite(vector);
        similarity.prepare(vector); // rejects a zero vector under cosine
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Vector " + id + ": " + e.getMessage(), e);
    }
    insertChecked(id, code, vector);
  }

  /**
   * Adds a code made elsewhere by the same quantizer (the Flink job's output). Without its float
   * vector the entry is ranked by the quantizer's estimate.
   */
  public void insertCode(long id, byte[] code, float[] vectorOrNull) {
    if (quantizer == null) {
      throw new IllegalArgumentException(dir + " is a float32 index: insert vectors, not codes");
    }
    if (code.length != quantizer.codeBytes()) {
      throw new IllegalArgumentException(String.format(
          "Code of id %d has %d bytes; the index's quantizer makes %d", id, code.length, quantizer.codeBytes()));
    }
    if (vectorOrNull != null) {
      try {
        quantizer.prepareForEncoding(vectorOrNull);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Vector " + id + ": " + e.getMessage(), e);
      }
    }
    insertChecked(id, code, vectorOrNull);
  }

  private void insertChecked(long id, byte[] code, float[] vector) {
    if (id < 0) {
      throw new IllegalArgumentException("Id " + id + " is negative; ids must be in [0, 2^63)");
    }
    lock.writeLock().lock();
    try {
      if (delta.contains(id) || locate(id) >= 0) {
        throw new IllegalArgumentException("Duplicate id " + id + ": it is live in " + dir + "; delete it first to replace it");
      }
      delta.add(id, code, vector);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Deletes a live id, from the delta or by tombstone; returns whether it was live. */
  public boolean delete(long id) {
    lock.writeLock().lock();
    try {
      if (delta.remove(id)) {
        return true;
      }
      long at = locate(id);
      if (at < 0) {
        return false;
      }
      tombstones[(int) (at >>> 32)].set((int) at);
      deleted++;
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static void checkFinite(float[] vector) {
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalArgumentException("dimension " + i + " is " + vector[i]);
      }
    }
  }

  /** (partition &lt;&lt; 32 | ordinal) of a live id in the partitions, or −1. */
  private long locate(long id) {
    for (int c = 0; c < partitions.length; c++) {
      if (partitions[c] != null) {
        int ordinal = partitions[c].ordinalOf(id);
        if (ordinal >= 0 && !tombstones[c].get(ordinal)) {
          return ((long) c << 32) | ordinal;
        }
      }
    }
    return -1;
  }

  /**
   * Maps every page of the partitions' graph and vector files into the process, running
   * {@code betweenChunks} after each mebibyte: what a version about to replace a served one does
   * so that its first queries do not pay a page fault per first-touched page.
   */
  public void touchPages(Runnable betweenChunks) {
    int sum = 0;
    for (int c = 0; c < partitions.length; c++) {
      if (partitions[c] != null) {
        sum += partitions[c].touchPages(betweenChunks);
      }
      if (floats[c] != null) {
        sum += floats[c].touchPages(betweenChunks);
      }
    }
    touchedSink = sum; // read, not dropped as dead code
  }

  /** Live vectors: partition nodes not deleted, plus the delta. */
  public long liveCount() {
    lock.readLock().lock();
    try {
      long n = 0;
      for (HnswPartition p : partitions) {
        n += p == null ? 0 : p.size();
      }
      return n - deleted + delta.liveCount();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Live entries of the delta segment (streamed inserts not yet folded into a build). */
  public int deltaCount() {
    lock.readLock().lock();
    try {
      return delta.liveCount();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Partition entries deleted since the build (tombstones). */
  public long tombstoneCount() {
    lock.readLock().lock();
    try {
      return deleted;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Bytes per code of the index's quantizer; 0 for a float32 index. */
  public int codeBytes() {
    return quantizer == null ? 0 : quantizer.codeBytes();
  }

  /** Non-empty partitions. */
  public int partitionCount() {
    int n = 0;
    for (HnswPartition p : partitions) {
      n += p == null ? 0 : 1;
    }
    return n;
  }

  public int dimension() {
    return dimension;
  }
}
