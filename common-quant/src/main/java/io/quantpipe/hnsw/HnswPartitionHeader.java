package io.quantpipe.hnsw;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.MappedFile;
import io.quantpipe.vector.Similarity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The checked header of a partition file: every field of {@link HnswPartitionFormat}'s first 64
 * bytes, validated against each other and against the file's length before anything is served.
 */
record HnswPartitionHeader(String resource, int version, Similarity similarity, int quantizerKind, int dimension,
    int m, int efConstruction, int nodes, int entryPoint, int maxLevel, int codeBytes, int quantizerCrc,
    long upperSlots, HnswPartitionFormat.Layout layout) {

  /** Reads and checks the header, the length and, when asked, the CRC32C of the whole file. */
  static HnswPartitionHeader read(MappedFile file, boolean verifyChecksum) throws CorruptArtifactException {
    String resource = file.path().toString();
    long length = file.length();
    if (length < HnswPartitionFormat.HEADER_BYTES + HnswPartitionFormat.FOOTER_BYTES) {
      throw new CorruptArtifactException(resource, "truncated: " + length + " bytes is shorter than a partition header");
    }
    byte[] bytes = new byte[HnswPartitionFormat.HEADER_BYTES];
    file.getBytes(0, bytes, 0, bytes.length);
    ByteBuffer h = ByteBuffer.wrap(bytes);
    int magic = h.getInt();
    if (magic != HnswPartitionFormat.MAGIC) {
      throw new CorruptArtifactException(resource, String.format(
          "not an HNSW partition: magic 0x%08X, expected 0x%08X", magic, HnswPartitionFormat.MAGIC));
    }
    h.order(ByteOrder.LITTLE_ENDIAN);
    int kind = h.get() & 0xFF;
    int version = h.get() & 0xFF;
    if (kind != HnswPartitionFormat.FILE_KIND) {
      throw new CorruptArtifactException(resource, "unknown file kind " + kind + "; expected " + HnswPartitionFormat.FILE_KIND);
    }
    if (version < HnswPartitionFormat.VERSION_START || version > HnswPartitionFormat.VERSION_CURRENT) {
      throw new CorruptArtifactException(resource, String.format(
          "format version %d is not supported: this reader reads versions %d to %d", version,
          HnswPartitionFormat.VERSION_START, HnswPartitionFormat.VERSION_CURRENT));
    }
    Similarity similarity;
    try {
      similarity = Similarity.fromId(h.get());
    } catch (IllegalArgumentException e) {
      throw new CorruptArtifactException(resource, e.getMessage());
    }
    int quantizerKind = h.get() & 0xFF;
    int dimension = h.getInt();
    int m = h.getInt();
    int efConstruction = h.getInt();
    int nodes = h.getInt();
    int entryPoint = h.getInt();
    int maxLevel = h.getInt();
    int codeBytes = h.getInt();
    int quantizerCrc = h.getInt();
    long upperSlots = h.getLong();
    check(resource, dimension > 0, "dimension " + dimension + " is not positive");
    check(resource, m >= 2 && m <= 512, "M " + m + " is outside [2, 512]");
    check(resource, nodes > 0, "the partition is empty (0 nodes); an empty partition is not written or served");
    check(resource, entryPoint >= 0 && entryPoint < nodes, "entry point " + entryPoint + " is not a node of " + nodes);
    check(resource, maxLevel >= 0 && maxLevel <= HnswConfig.MAX_LEVEL, "top level " + maxLevel + " is out of range");
    check(resource, codeBytes >= 0 && (codeBytes == 0) == (quantizerKind == 0),
        "code bytes " + codeBytes + " do not fit quantizer kind " + quantizerKind);
    check(resource, upperSlots >= 0 && upperSlots <= (long) nodes * HnswConfig.MAX_LEVEL,
        "upper slot count " + upperSlots + " is out of range");
    HnswPartitionFormat.Layout layout = HnswPartitionFormat.Layout.of(nodes, m, upperSlots, codeBytes);
    if (length != layout.fileLength()) {
      throw new CorruptArtifactException(resource, String.format(
          "%s: the header describes %d bytes but the file has %d",
          length < layout.fileLength() ? "truncated" : "trailing bytes", layout.fileLength(), length));
    }
    if (verifyChecksum) {
      int expected = file.getInt(layout.footer());
      int actual = file.crc32c(0, layout.footer());
      if (expected != actual) {
        throw new CorruptArtifactException(resource, String.format(
            "checksum mismatch: footer says CRC32C 0x%08X, contents give 0x%08X", expected, actual));
      }
    }
    return new HnswPartitionHeader(resource, version, similarity, quantizerKind, dimension, m, efConstruction,
        nodes, entryPoint, maxLevel, codeBytes, quantizerCrc, upperSlots, layout);
  }

  /** Refuses a partition built for other vectors or with another quantizer than the caller's. */
  void expect(int dim, Similarity sim, int kind, int crc) throws CorruptArtifactException {
    if (dim != dimension) {
      throw new CorruptArtifactException(resource, "graph dimension " + dimension + " does not match the expected " + dim);
    }
    if (sim != similarity) {
      throw new CorruptArtifactException(resource, "graph metric " + similarity.cliName() + " does not match the expected " + sim.cliName());
    }
    if (kind != quantizerKind) {
      throw new CorruptArtifactException(resource, kind == 0
          ? "the graph holds codes of quantizer kind " + quantizerKind + ", but it was opened as a float32 graph"
          : "the graph was built " + (quantizerKind == 0 ? "over float32 vectors" : "with quantizer kind " + quantizerKind)
              + ", not with the given quantizer's kind " + kind);
    }
    if (crc != quantizerCrc) {
      throw new CorruptArtifactException(resource, String.format(
          "the graph was built with the quantizer artifact of CRC32C 0x%08X, not the given one (0x%08X)", quantizerCrc, crc));
    }
  }

  private static void check(String resource, boolean ok, String reason) throws CorruptArtifactException {
    if (!ok) {
      throw new CorruptArtifactException(resource, reason);
    }
  }
}
