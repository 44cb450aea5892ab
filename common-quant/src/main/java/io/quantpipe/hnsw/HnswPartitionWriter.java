package io.quantpipe.hnsw;

import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.vector.Similarity;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes an HNSW partition file in the {@link HnswPartitionFormat} layout, streaming section by
 * section with a running CRC32C, to a temporary sibling that is renamed into place, so a reader
 * never sees half a file. Stateless; thread-safe.
 */
public final class HnswPartitionWriter {
  private HnswPartitionWriter() {}

  /**
   * Writes one partition.
   *
   * @param ids the global id of each node ordinal: distinct and ≥ 0
   * @param codes the nodes' codes in ordinal order, or {@code null} for a float32 graph whose
   *     vectors live elsewhere
   * @param quantizerCrc32c the checksum of the quantizer artifact that made {@code codes}
   * @throws IllegalArgumentException on ids or codes that do not fit the graph
   */
  public static void write(Path file, OnHeapHnswGraph graph, HnswConfig config, int dimension,
      Similarity similarity, long[] ids, EncodedVectors codes, int quantizerCrc32c) throws IOException {
    int n = graph.size();
    int[] order = checkIds(ids, n);
    if (codes != null && (codes.count() != n || codes.quantizer().dimension() != dimension
        || codes.quantizer().similarity() != similarity)) {
      throw new IllegalArgumentException(String.format(
          "Codes (%d of dimension %d, %s) do not fit a graph of %d nodes of dimension %d, %s", codes.count(),
          codes.quantizer().dimension(), codes.quantizer().similarity().cliName(), n, dimension, similarity.cliName()));
    }
    int codeBytes = codes == null ? 0 : codes.quantizer().codeBytes();
    int m = graph.m();
    long upperSlots = graph.upperSlots();
    HnswPartitionFormat.Layout layout = HnswPartitionFormat.Layout.of(n, m, upperSlots, codeBytes);

    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    try (Out out = new Out(new CheckedOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), crc))) {
      out.buffer.order(ByteOrder.BIG_ENDIAN).putInt(HnswPartitionFormat.MAGIC).order(ByteOrder.LITTLE_ENDIAN);
      out.put((byte) HnswPartitionFormat.FILE_KIND).put((byte) HnswPartitionFormat.VERSION_CURRENT)
          .put(similarity.id()).put(codes == null ? 0 : (byte) codes.quantizer().kind().id());
      out.putInt(dimension).putInt(m).putInt(config.efConstruction()).putInt(n)
          .putInt(graph.entryPoint()).putInt(graph.maxLevel()).putInt(codeBytes).putInt(quantizerCrc32c)
          .putLong(upperSlots).putLong(config.seed()).putLong(0);
      for (int v = 0; v < n; v++) {
        out.put((byte) graph.levelOf(v));
      }
      out.pad(layout.firstSlots());
      int slot = 0;
      for (int v = 0; v < n; v++) {
        out.putInt(graph.levelOf(v) == 0 ? -1 : slot);
        slot += graph.levelOf(v);
      }
      int[] row = new int[2 * m];
      for (int v = 0; v < n; v++) {
        out.putList(row, graph.neighbors(0, v, row), 2 * m);
      }
      for (int v = 0; v < n; v++) {
        for (int level = 1; level <= graph.levelOf(v); level++) {
          out.putList(row, graph.neighbors(level, v, row), m);
        }
      }
      out.pad(layout.ids());
      for (long id : ids) {
        out.putLong(id);
      }
      for (int ordinal : order) {
        out.putInt(ordinal);
      }
      if (codes != null) {
        out.flushBuffer();
        out.stream.write(codes.codes());
        out.written += codes.codes().length;
      }
      out.pad(layout.footer());
      out.flushBuffer();
      int sum = (int) crc.getValue();
      out.putInt(sum);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Checks that {@code ids} has one id per node, each ≥ 0 and distinct, and returns the node
   * ordinals sorted by id.
   *
   * @throws IllegalArgumentException naming the first offending id and node
   */
  public static int[] checkIds(long[] ids, int n) {
    if (ids.length != n) {
      throw new IllegalArgumentException(String.format("%d ids for a graph of %d nodes", ids.length, n));
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      if (ids[i] < 0) {
        throw new IllegalArgumentException(String.format("Id %d of node %d is negative; ids must be in [0, 2^63)", ids[i], i));
      }
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> ids[a] != ids[b] ? Long.compare(ids[a], ids[b]) : Integer.compare(a, b));
    int[] sorted = new int[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = order[i];
      if (i > 0 && ids[sorted[i]] == ids[sorted[i - 1]]) {
        throw new IllegalArgumentException(String.format(
            "Duplicate id %d at nodes %d and %d", ids[sorted[i]], sorted[i - 1], sorted[i]));
      }
    }
    return sorted;
  }

  /** A little-endian buffered writer that counts its bytes, so sections can be padded to offsets. */
  private static final class Out implements AutoCloseable {
    final OutputStream stream;
    final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    long written;

    Out(OutputStream stream) {
      this.stream = stream;
    }

    Out put(byte b) throws IOException {
      room(1).put(b);
      return this;
    }

    Out putInt(int v) throws IOException {
      room(4).putInt(v);
      return this;
    }

    Out putLong(long v) throws IOException {
      room(8).putLong(v);
      return this;
    }

    /** A neighbour list as a fixed-width slot: count, the neighbours, then −1 up to the width. */
    void putList(int[] row, int count, int width) throws IOException {
      putInt(count);
      for (int i = 0; i < width; i++) {
        putInt(i < count ? row[i] : -1);
      }
    }

    /** Writes zeros up to file offset {@code offset}. */
    void pad(long offset) throws IOException {
      while (written + buffer.position() < offset) {
        put((byte) 0);
      }
      if (written + buffer.position() != offset) {
        throw new IllegalStateException("section overran its layout: at " + (written + buffer.position()) + ", expected " + offset);
      }
    }

    private ByteBuffer room(int bytes) throws IOException {
      if (buffer.remaining() < bytes) {
        flushBuffer();
      }
      return buffer;
    }

    void flushBuffer() throws IOException {
      stream.write(buffer.array(), 0, buffer.position());
      written += buffer.position();
      buffer.clear();
    }

    @Override
    public void close() throws IOException {
      flushBuffer();
      stream.close();
    }
  }
}
