package io.quantpipe.index;

import io.quantpipe.format.CorruptArtifactException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * How one file of a partitioned index directory is checked on its own, before it is trusted: what
 * a node copying a version from object storage runs on each file as it arrives, and on a cached
 * copy to decide whether it must be fetched again. Two kinds of file:
 * <ul>
 *   <li>plain files ({@code centroids.fvecs}, {@code part-NNNNN.fvecs}): the CRC32C of the whole
 *       file equals the one {@code index.json} records;
 *   <li>files with a CRC32C footer ({@code quantizer.qpa}, {@code part-NNNNN.qph}): the last four
 *       bytes (little-endian) equal the CRC32C of every byte before them, and, for the quantizer,
 *       also the value {@code index.json} records (partition graphs name that value in their header,
 *       which {@link PartitionedIndex#open} compares).
 * </ul>
 * Immutable.
 *
 * @param name the file name inside the index directory
 * @param expectedCrc the CRC32C the manifest records (unsigned), or {@code null} for a footer file
 *     that is only checked against itself
 * @param footer whether the file ends in a CRC32C footer
 */
public record IndexFileCheck(String name, Long expectedCrc, boolean footer) {
  private static final int CHUNK = 1 << 20;

  /** Every file {@code manifest} names, the quantizer and the centroids first. */
  public static List<IndexFileCheck> of(IndexManifest manifest) {
    List<IndexFileCheck> files = new ArrayList<>();
    if (manifest.quantizerCrc() != null) {
      files.add(new IndexFileCheck(IndexManifest.QUANTIZER_FILE, manifest.quantizerCrc(), true));
    }
    files.add(new IndexFileCheck(IndexManifest.CENTROIDS_FILE, manifest.centroidsCrc(), false));
    for (IndexManifest.Partition p : manifest.partitions()) {
      files.add(new IndexFileCheck(p.graph(), null, true));
      files.add(new IndexFileCheck(p.vectors(), p.vectorsCrc(), false));
    }
    return files;
  }

  /**
   * Checks {@code file} (this entry's copy on local disk).
   *
   * @throws CorruptArtifactException naming the file, the expected and the found checksum
   * @throws IOException when the file cannot be read
   */
  public void verify(Path file) throws IOException {
    verify(file, () -> {});
  }

  /**
   * {@link #verify(Path)}, running {@code betweenChunks} after each mebibyte read: a reader
   * sharing its cores with latency-bound work paces itself there.
   */
  public void verify(Path file, Runnable betweenChunks) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = channel.size();
      if (footer && length < 4) {
        throw new CorruptArtifactException(file.toString(), "truncated: " + length + " bytes, shorter than its checksum footer");
      }
      long body = footer ? length - 4 : length;
      long crc = crc32c(channel, body, betweenChunks);
      Long stored = null;
      if (footer) {
        ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(tail, body);
        stored = Integer.toUnsignedLong(tail.flip().getInt());
      }
      compare(file.toString(), crc, stored);
    }
  }

  /**
   * {@link #verify(Path)} of a file read once, front to back, from {@code in} (storage's stream:
   * no local copy); {@code in} is not closed.
   *
   * @param length the file's length in bytes, from the store's listing
   * @param described the file's name in messages (its URI)
   */
  public void verify(InputStream in, long length, String described) throws IOException {
    if (footer && length < 4) {
      throw new CorruptArtifactException(described, "truncated: " + length + " bytes, shorter than its checksum footer");
    }
    long body = footer ? length - 4 : length;
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[CHUNK];
    long pos = 0;
    while (pos < body) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, body - pos));
      if (n < 0) {
        throw new CorruptArtifactException(described, "truncated: ended at byte " + pos + " of " + length);
      }
      crc.update(buf, 0, n);
      pos += n;
    }
    Long stored = null;
    if (footer) {
      byte[] tail = in.readNBytes(4);
      if (tail.length < 4) {
        throw new CorruptArtifactException(described, "truncated: its checksum footer is cut short");
      }
      stored = Integer.toUnsignedLong(ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }
    compare(described, crc.getValue(), stored);
  }

  /** Refuses {@code crc} unless it matches the footer ({@code stored}, when there is one) and the manifest. */
  private void compare(String described, long crc, Long stored) throws CorruptArtifactException {
    if (stored != null && stored != crc) {
      throw new CorruptArtifactException(described, String.format(
          "checksum mismatch: the footer says CRC32C 0x%08X, the content has 0x%08X", stored, crc));
    }
    if (expectedCrc != null && crc != expectedCrc) {
      throw new CorruptArtifactException(described, String.format(
          "checksum mismatch: CRC32C 0x%08X, the index manifest names 0x%08X", crc, expectedCrc));
    }
  }

  /** Whether {@code file} exists and passes {@link #verify}: a cached copy that need not be fetched again. */
  public boolean isIntact(Path file) {
    return isIntact(file, () -> {});
  }

  /** {@link #isIntact(Path)}, running {@code betweenChunks} as {@link #verify(Path, Runnable)} does. */
  public boolean isIntact(Path file, Runnable betweenChunks) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      return false;
    }
    try {
      verify(file, betweenChunks);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static long crc32c(FileChannel channel, long length, Runnable betweenChunks) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
    long pos = 0;
    while (pos < length) {
      buf.clear().limit((int) Math.min(CHUNK, length - pos));
      int n = channel.read(buf, pos);
      if (n < 0) {
        break;
      }
      buf.flip();
      crc.update(buf);
      pos += n;
      betweenChunks.run();
    }
    return crc.getValue();
  }
}
