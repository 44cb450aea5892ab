package io.quantpipe.hnsw;

import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes an {@link HnswGraph} and its float32 vectors as an hnswlib index file, so that a graph
 * built here can be loaded and searched by hnswlib ({@code hnswlib.Index.load_index} in Python,
 * {@code HierarchicalNSW(space, path)} in C++) without rebuilding it.
 *
 * <p>The layout is that of {@code HierarchicalNSW::saveIndex} in hnswlib's {@code hnswalg.h},
 * checked against 0.6.2 (Debian 12's {@code libhnswlib-dev}/{@code python3-hnswlib}); upstream 0.7
 * and 0.8 kept it (forks that add sections, such as chroma-hnswlib's norms, did not): a 96-byte header of size_t/int/double fields, then one fixed-size level-0 record
 * per node (link count, {@code 2·M} neighbour ids, the vector, the 64-bit label), then each node's
 * upper-level link lists. Internal ids are our node ordinals; the labels are the caller's.
 *
 * <p>hnswlib does not record the metric in the file: the loader chooses it. Load with space
 * {@code 'l2'} for {@link Similarity#EUCLIDEAN}, {@code 'ip'} for {@link Similarity#DOT} and
 * {@code 'cosine'} for {@link Similarity#COSINE}, and with the vectors' dimension; a wrong
 * dimension is not detected by hnswlib's loader and gives garbage results.
 *
 * <p>Stateless; concurrent calls are safe as long as they write different files and nobody
 * modifies the graph or vectors meanwhile.
 */
public final class HnswlibExporter {
  /** offsetLevel0 … offsetData (6 size_t), maxlevel (int), enterpoint (uint32), maxM, maxM0, M, mult, efC. */
  private static final int HEADER_BYTES = 6 * 8 + 4 + 4 + 3 * 8 + 8 + 8;

  private HnswlibExporter() {}

  /**
   * Writes {@code graph} to {@code file}, replacing it atomically.
   *
   * @param vectors the vectors the graph was built over, by node ordinal (raw: normalised here
   *     for cosine)
   * @param labels hnswlib's external label of each node ordinal; must be ≥ 0, as hnswlib labels
   *     are unsigned 64-bit
   * @param efConstruction recorded for hnswlib to use if more items are added to the loaded index
   * @throws IllegalArgumentException if the vectors or labels do not match the graph
   */
  public static void write(Path file, HnswGraph graph, FloatVectors vectors, Similarity similarity,
      long[] labels, int efConstruction) throws IOException {
    int n = graph.size();
    if (vectors.count() != n) {
      throw new IllegalArgumentException(String.format(
          "Cannot export to hnswlib: %d vectors for a graph of %d nodes", vectors.count(), n));
    }
    if (labels.length != n) {
      throw new IllegalArgumentException(String.format(
          "Cannot export to hnswlib: %d labels for a graph of %d nodes", labels.length, n));
    }
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException(String.format(
            "Cannot export to hnswlib: label %d of node %d is negative; labels must be in [0, 2^63)", labels[i], i));
      }
    }
    if (efConstruction < 1) {
      throw new IllegalArgumentException("Cannot export to hnswlib: efConstruction must be positive; efConstruction=" + efConstruction);
    }
    // hnswlib's 'cosine' space normalises items as they are added and stores the normalised copy.
    FloatVectors data = vectors.prepared(similarity);
    int dim = data.dim();
    int m = graph.m();
    int maxM0 = 2 * m;
    int links0Bytes = 4 + 4 * maxM0;           // size_links_level0_: count header + maxM0 ids
    int upperLinkBytes = 4 + 4 * m;            // size_links_per_element_, per upper level
    int labelOffset = links0Bytes + 4 * dim;   // the vector sits between the links and the label
    int recordBytes = labelOffset + 8;         // size_data_per_element_

    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      ByteBuffer header = le(HEADER_BYTES);
      header.putLong(0)                        // offsetLevel0_: links come first in a record
          .putLong(n)                          // max_elements_: the loader may raise it
          .putLong(n)                          // cur_element_count
          .putLong(recordBytes)
          .putLong(labelOffset)
          .putLong(links0Bytes)                // offsetData_
          .putInt(n == 0 ? -1 : graph.maxLevel())       // hnswlib's "empty" values
          .putInt(n == 0 ? -1 : graph.entryPoint())
          .putLong(m)                          // maxM_
          .putLong(maxM0)                      // maxM0_
          .putLong(m)                          // M_
          .putDouble(1 / Math.log(m))          // mult_: level normalisation
          .putLong(efConstruction);
      out.write(header.array());

      // Level 0: one record per node, in ordinal order, so internal id == ordinal.
      int[] row = new int[maxM0];
      ByteBuffer record = le(recordBytes);
      float[] values = data.data();
      for (int node = 0; node < n; node++) {
        record.clear();
        putLinks(record, row, graph.neighbors(0, node, row), maxM0);
        for (int i = data.offset(node), end = i + dim; i < end; i++) {
          record.putFloat(values[i]);
        }
        record.putLong(labels[node]);
        out.write(record.array());
      }

      // Upper levels: per node, the byte length of its lists (0 when on level 0 only), then
      // levels 1..L; the loader derives the node's level from that length.
      ByteBuffer upper = le(4 + upperLinkBytes * Math.max(graph.maxLevel(), 0));
      for (int node = 0; node < n; node++) {
        int level = graph.levelOf(node);
        upper.clear();
        upper.putInt(level * upperLinkBytes);
        for (int l = 1; l <= level; l++) {
          putLinks(upper, row, graph.neighbors(l, node, row), m);
        }
        out.write(upper.array(), 0, upper.position());
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * One link list: a uint32 whose low 16 bits are the count (the other bytes hold hnswlib's
   * deleted flag, left clear), then {@code width} ids, unused slots zeroed as hnswlib never reads them.
   */
  private static void putLinks(ByteBuffer buf, int[] row, int count, int width) {
    buf.putInt(count);
    for (int i = 0; i < width; i++) {
      buf.putInt(i < count ? row[i] : 0);
    }
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
