package io.quantpipe.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A read-only file mapped into memory in segments of 2<sup>shift</sup> bytes, so that files
 * larger than the 2 GB a single {@link MappedByteBuffer} can address are read by 64-bit offsets
 * (Lucene's {@code MMapDirectory} does the same). Reads are little-endian. A value that straddles
 * two segments is assembled byte by byte; aligned ints and longs never do, since segment sizes
 * are powers of two.
 *
 * <p>Nothing is copied to the heap: pages are loaded by the OS on first touch. Java 17 cannot
 * unmap a buffer explicitly, so the mapping lives until the object is garbage-collected.
 * Thread-safe: every read is absolute.
 */
public final class MappedFile {
  /** 1 GiB segments. */
  public static final int DEFAULT_SEGMENT_SHIFT = 30;

  private final Path path;
  private final ByteBuffer[] segments;
  private final long length;
  private final int shift;
  private final long mask;

  private MappedFile(Path path, ByteBuffer[] segments, long length, int shift) {
    this.path = path;
    this.segments = segments;
    this.length = length;
    this.shift = shift;
    this.mask = (1L << shift) - 1;
  }

  /** Maps {@code path} in 1 GiB segments. */
  public static MappedFile open(Path path) throws IOException {
    return open(path, DEFAULT_SEGMENT_SHIFT);
  }

  /** Maps {@code path} in segments of 2<sup>shift</sup> bytes (tests use small ones). */
  public static MappedFile open(Path path, int shift) throws IOException {
    if (shift < 3 || shift > 30) {
      throw new IllegalArgumentException("segment shift must be in [3, 30]; shift=" + shift);
    }
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long length = channel.size();
      long segmentSize = 1L << shift;
      int count = Math.toIntExact((length + segmentSize - 1) >>> shift);
      ByteBuffer[] segments = new ByteBuffer[count];
      for (int i = 0; i < count; i++) {
        long start = (long) i << shift;
        segments[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(segmentSize, length - start))
            .order(ByteOrder.LITTLE_ENDIAN);
      }
      return new MappedFile(path, segments, length, shift);
    }
  }

  public Path path() {
    return path;
  }

  /** The file's length in bytes. */
  public long length() {
    return length;
  }

  public byte getByte(long pos) {
    return segments[(int) (pos >>> shift)].get((int) (pos & mask));
  }

  public int getInt(long pos) {
    ByteBuffer segment = segments[(int) (pos >>> shift)];
    int p = (int) (pos & mask);
    if (p + Integer.BYTES <= segment.limit()) {
      return segment.getInt(p);
    }
    return (int) straddling(pos, Integer.BYTES);
  }

  public long getLong(long pos) {
    ByteBuffer segment = segments[(int) (pos >>> shift)];
    int p = (int) (pos & mask);
    if (p + Long.BYTES <= segment.limit()) {
      return segment.getLong(p);
    }
    return straddling(pos, Long.BYTES);
  }

  public float getFloat(long pos) {
    return Float.intBitsToFloat(getInt(pos));
  }

  /** Copies {@code len} bytes at {@code pos} into {@code dst[off …]}. */
  public void getBytes(long pos, byte[] dst, int off, int len) {
    while (len > 0) {
      ByteBuffer segment = segments[(int) (pos >>> shift)];
      int p = (int) (pos & mask);
      int n = Math.min(len, segment.limit() - p);
      segment.get(p, dst, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /**
   * Reads one byte of every page of the mapping, so that the process's page tables map them all:
   * a freshly mapped file costs a page fault at each first touch, which a new index version's
   * first queries would otherwise pay. Runs {@code betweenChunks} after each mebibyte.
   *
   * @return a value of the bytes read, which a caller sums so that the reads are not dropped
   */
  public int touchPages(Runnable betweenChunks) {
    int sum = 0;
    long step = 4096;
    for (long pos = 0; pos < length; pos += step) {
      sum += getByte(pos);
      if ((pos & ((1 << 20) - 1)) == 0) {
        betweenChunks.run();
      }
    }
    return sum;
  }

  /** The CRC32C of bytes {@code [from, to)}. */
  public int crc32c(long from, long to) {
    CRC32C crc = new CRC32C();
    long pos = from;
    while (pos < to) {
      ByteBuffer segment = segments[(int) (pos >>> shift)].duplicate();
      int p = (int) (pos & mask);
      int n = (int) Math.min(segment.limit() - p, to - pos);
      segment.position(p).limit(p + n);
      crc.update(segment);
      pos += n;
    }
    return (int) crc.getValue();
  }

  private long straddling(long pos, int bytes) {
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value |= (getByte(pos + i) & 0xFFL) << (8 * i);
    }
    return value;
  }
}
