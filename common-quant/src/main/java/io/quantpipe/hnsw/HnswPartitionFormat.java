package io.quantpipe.hnsw;

/**
 * The binary layout of an HNSW partition file ({@code .qph}): one graph, the global ids of its
 * nodes and, for a quantized graph, their codes. Laid out so that a reader can memory-map it and
 * search it in place: every section has fixed-width rows at computable offsets.
 *
 * <pre>
 * offset  type              field
 * 0       int32 BE          magic 0x51504847 ("QPHG" in a hex dump)
 * 4       uint8             file kind, 1 = HNSW partition
 * 5       uint8             format version ({@link #VERSION_CURRENT})
 * 6       uint8             similarity ({@link io.quantpipe.vector.Similarity#id()})
 * 7       uint8             quantizer kind ({@link io.quantpipe.quant.QuantizerKind#id()}), 0 = float32
 * 8       int32 LE          dimension d
 * 12      int32 LE          M (level 0 holds 2M)
 * 16      int32 LE          efConstruction (informational)
 * 20      int32 LE          node count n, &gt; 0
 * 24      int32 LE          entry point (a node ordinal)
 * 28      int32 LE          top level
 * 32      int32 LE          code bytes per node c (0 = no codes: float32 vectors live outside)
 * 36      int32 LE          CRC32C of the quantizer artifact the codes were made with (0 if none)
 * 40      int64 LE          S, the number of upper-level slots (Σ levels of all nodes)
 * 48      int64 LE          level seed (informational)
 * 56      int64 LE          reserved, 0
 * 64      uint8[n]          level of each node, zero-padded to a multiple of 8 bytes
 * L0S     int32[n]          first upper slot of each node (−1 for a node on level 0 only)
 * L0      int32[n·(1+2M)]   level 0: per node, the neighbour count then 2M neighbour ordinals
 * UP      int32[S·(1+M)]    upper slots: per (node, level ≥ 1), the count then M ordinals;
 *                           node v's level l is slot first[v] + l − 1. Zero-padded to 8 bytes.
 * IDS     int64[n]          global id of each node ordinal, ≥ 0 and distinct
 * ORDER   int32[n]          node ordinals sorted by global id, for id → ordinal lookups
 * CODES   uint8[n·c]        the code of each node ordinal
 * end−4   int32 LE          CRC32C of every preceding byte
 * </pre>
 *
 * <p>Readers accept versions {@code [VERSION_START, VERSION_CURRENT]}; writers write only the
 * current version. Version history:
 * <ul>
 *   <li>1: first version.
 * </ul>
 */
public final class HnswPartitionFormat {
  public static final int MAGIC = 0x51504847;
  public static final int FILE_KIND = 1;
  public static final int VERSION_START = 1;
  public static final int VERSION_CURRENT = 1;
  /** The conventional file extension. */
  public static final String EXTENSION = ".qph";
  static final int HEADER_BYTES = 64;
  static final int FOOTER_BYTES = 4;

  private HnswPartitionFormat() {}

  /** Where each section starts, from the header's counts. */
  record Layout(long levels, long firstSlots, long level0, long upper, long ids, long order, long codes, long footer) {

    static Layout of(int n, int m, long upperSlots, int codeBytes) {
      long levels = HEADER_BYTES;
      long firstSlots = levels + align8(n);
      long level0 = firstSlots + 4L * n;
      long upper = level0 + 4L * n * (1 + 2L * m);
      long ids = align8(upper + 4L * upperSlots * (1 + m));
      long order = ids + 8L * n;
      long codes = order + 4L * n;
      long footer = codes + (long) n * codeBytes;
      return new Layout(levels, firstSlots, level0, upper, ids, order, codes, footer);
    }

    long fileLength() {
      return footer + FOOTER_BYTES;
    }
  }

  /**
   * The expected bytes per node of a partition file without codes, for memory projections: the
   * level byte, the first-slot index, the level-0 list ({@code 1 + 2M} ints), the upper levels (a
   * node reaches level {@code l} with probability {@code M^-l}, so it holds {@code 1/(M-1)} upper
   * slots of {@code 1 + M} ints on average), its 8-byte id and its 4-byte place in the id order.
   * Padding and the header are left out (under 0.5% for partitions of a thousand nodes or more).
   */
  public static double expectedBytesPerNode(int m) {
    if (m < 2) {
      throw new IllegalArgumentException("HNSW M must be at least 2; got " + m);
    }
    return 1 + 4 + 4.0 * (1 + 2 * m) + 4.0 * (1 + m) / (m - 1) + 8 + 4;
  }

  static long align8(long x) {
    return (x + 7) & ~7L;
  }
}
