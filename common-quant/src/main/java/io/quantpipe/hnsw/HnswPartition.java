package io.quantpipe.hnsw;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.MappedFile;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.QueryScorer;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A partition file opened for serving: the graph, ids and codes are read in place from a
 * {@link MappedFile}, never copied to the heap, so a partition of any size opens in the time it
 * takes to check its header (and, unless skipped, its checksum). Opening refuses a file that fails
 * any check; nothing is served from it.
 *
 * <p>Thread-safe: all state is immutable; each search makes its own scorer.
 */
public final class HnswPartition implements HnswGraph {
  private final MappedFile file;
  private final Quantizer quantizer;
  private final int dimension;
  private final Similarity similarity;
  private final int m;
  private final int efConstruction;
  private final int size;
  private final int entryPoint;
  private final int maxLevel;
  private final int codeBytes;
  private final HnswPartitionFormat.Layout layout;
  private final long level0Row;
  private final long upperRow;

  private HnswPartition(MappedFile file, Quantizer quantizer, HnswPartitionHeader header) {
    this.file = file;
    this.quantizer = quantizer;
    this.dimension = header.dimension();
    this.similarity = header.similarity();
    this.m = header.m();
    this.efConstruction = header.efConstruction();
    this.size = header.nodes();
    this.entryPoint = header.entryPoint();
    this.maxLevel = header.maxLevel();
    this.codeBytes = header.codeBytes();
    this.layout = header.layout();
    this.level0Row = 4L * (1 + 2L * m);
    this.upperRow = 4L * (1 + m);
  }

  /**
   * Opens a float32 graph: its vectors live outside the file and the caller scores them.
   *
   * @param verifyChecksum read the whole file once to check its CRC32C; {@code false} checks only
   *     the header and the length, for a fast start from a file already verified on arrival
   */
  public static HnswPartition openFloat(Path path, int dimension, Similarity similarity, boolean verifyChecksum)
      throws IOException {
    return open(MappedFile.open(path), null, dimension, similarity, verifyChecksum);
  }

  /** Opens a quantized graph, refusing one whose codes were made by another quantizer. */
  public static HnswPartition open(Path path, QuantizerArtifact quantizer, boolean verifyChecksum) throws IOException {
    Quantizer q = quantizer.quantizer();
    return open(MappedFile.open(path), quantizer, q.dimension(), q.similarity(), verifyChecksum);
  }

  /**
   * Opens a partition over a file already mapped.
   *
   * @param artifact the quantizer the codes must come from, or {@code null} for a float32 graph
   */
  static HnswPartition open(MappedFile file, QuantizerArtifact artifact, int dimension, Similarity similarity,
      boolean verifyChecksum) throws IOException {
    HnswPartitionHeader header = HnswPartitionHeader.read(file, verifyChecksum);
    if (artifact == null) {
      header.expect(dimension, similarity, 0, 0);
      return new HnswPartition(file, null, header);
    }
    Quantizer q = artifact.quantizer();
    header.expect(dimension, similarity, q.kind().id(), (int) artifact.crc32c());
    if (header.codeBytes() != q.codeBytes()) {
      throw new CorruptArtifactException(file.path().toString(), String.format(
          "codes of %d bytes, but the quantizer makes %d-byte codes", header.codeBytes(), q.codeBytes()));
    }
    return new HnswPartition(file, q, header);
  }

  /** Maps every page of the file into the process ({@link MappedFile#touchPages}). */
  public int touchPages(Runnable betweenChunks) {
    return file.touchPages(betweenChunks);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int entryPoint() {
    return entryPoint;
  }

  @Override
  public int maxLevel() {
    return maxLevel;
  }

  @Override
  public int levelOf(int node) {
    return file.getByte(layout.levels() + node);
  }

  @Override
  public int m() {
    return m;
  }

  public int dimension() {
    return dimension;
  }

  public Similarity similarity() {
    return similarity;
  }

  public int efConstruction() {
    return efConstruction;
  }

  /** The quantizer of the codes, or {@code null} for a float32 graph. */
  public Quantizer quantizer() {
    return quantizer;
  }

  public Path path() {
    return file.path();
  }

  /** The file's size in bytes. */
  public long fileBytes() {
    return file.length();
  }

  @Override
  public int neighbors(int level, int node, int[] dst) {
    long pos;
    if (level == 0) {
      pos = layout.level0() + node * level0Row;
    } else {
      int slot = file.getInt(layout.firstSlots() + 4L * node) + level - 1;
      pos = layout.upper() + slot * upperRow;
    }
    int count = file.getInt(pos);
    for (int i = 0; i < count; i++) {
      dst[i] = file.getInt(pos + 4 + 4L * i);
    }
    return count;
  }

  /** The global id of a node ordinal. */
  public long id(int ordinal) {
    return file.getLong(layout.ids() + 8L * ordinal);
  }

  /** The node ordinal of a global id, or −1 when the id is not in this partition. */
  public int ordinalOf(long id) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int ordinal = file.getInt(layout.order() + 4L * mid);
      long found = id(ordinal);
      if (found < id) {
        lo = mid + 1;
      } else if (found > id) {
        hi = mid - 1;
      } else {
        return ordinal;
      }
    }
    return -1;
  }

  /** Copies the code of {@code ordinal} into {@code dst[0, codeBytes)}. */
  public void readCode(int ordinal, byte[] dst) {
    file.getBytes(layout.codes() + (long) ordinal * codeBytes, dst, 0, codeBytes);
  }

  /**
   * A scorer of this partition's codes against {@code query}, through the quantizer. One query,
   * one thread.
   *
   * @throws IllegalStateException for a float32 graph, which has no codes
   */
  public QueryScorer codeScorer(float[] query) {
    if (quantizer == null) {
      throw new IllegalStateException(file.path() + ": a float32 graph has no codes; score its vectors instead");
    }
    CodeScorer scorer = quantizer.scorer(query);
    byte[] scratch = new byte[codeBytes];
    return ordinal -> {
      readCode(ordinal, scratch);
      return scorer.score(scratch, 0);
    };
  }
}
