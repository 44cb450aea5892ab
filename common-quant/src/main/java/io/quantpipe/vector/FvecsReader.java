package io.quantpipe.vector;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Streams records of a TEXMEX {@code .fvecs} or {@code .ivecs} file: each record is a little-endian
 * int32 dimension {@code d} followed by {@code d} float32 (fvecs) or int32 (ivecs) values.
 *
 * <p>Every record is checked as it is read: a dimension that is not positive or differs from the
 * first record's, a record cut short by the end of the file, and (for fvecs) NaN or infinite
 * values each raise a {@link VectorFileException} naming the file and record. Memory is one buffer,
 * whatever the file size. Not thread-safe.
 */
public final class FvecsReader implements Closeable {
  /** Larger than any embedding model's output; guards against reading garbage as a dimension. */
  static final int MAX_DIM = 1 << 16;
  private static final int BUFFER_BYTES = 1 << 20;
  /** The largest float[] HotSpot allocates. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final Path file;
  private final FileChannel channel;
  private final ByteBuffer buffer;
  private final boolean floats;
  private int dim = -1;
  private long record;
  private boolean eof;

  private FvecsReader(Path file, boolean floats) throws IOException {
    this.file = file;
    this.floats = floats;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.flip();
  }

  /** Opens a float32 {@code .fvecs} file. */
  public static FvecsReader openFvecs(Path file) throws IOException {
    return new FvecsReader(file, true);
  }

  /** Opens an int32 {@code .ivecs} file. */
  public static FvecsReader openIvecs(Path file) throws IOException {
    return new FvecsReader(file, false);
  }

  /** Reads a whole {@code .fvecs} file; refuses an empty one. */
  public static FloatVectors readFvecs(Path file) throws IOException {
    return readFvecs(file, Integer.MAX_VALUE);
  }

  /** Reads at most {@code limit} records of a {@code .fvecs} file; refuses an empty one. */
  public static FloatVectors readFvecs(Path file, int limit) throws IOException {
    try (FvecsReader reader = openFvecs(file)) {
      float[] data = new float[0];
      int n = 0;
      float[] row;
      while (n < limit && (row = reader.nextFloats()) != null) {
        long needed = (long) (n + 1) * row.length;
        if (needed > MAX_ARRAY) {
          throw new VectorFileException(file, n, "too many values for one in-memory batch; stream it instead");
        }
        if (data.length < needed) { // grow geometrically, capped at the largest array the JVM allows
          data = Arrays.copyOf(data, (int) Math.min(MAX_ARRAY, Math.max(needed, 2L * data.length)));
        }
        System.arraycopy(row, 0, data, n * row.length, row.length);
        n++;
      }
      if (n == 0) {
        throw new VectorFileException(file, -1, "empty input: the file holds no vectors");
      }
      return new FloatVectors(Arrays.copyOf(data, n * reader.dim), reader.dim);
    }
  }

  /** Reads a whole {@code .ivecs} file as rows; refuses an empty one. */
  public static int[][] readIvecs(Path file) throws IOException {
    try (FvecsReader reader = openIvecs(file)) {
      int[][] rows = new int[16][];
      int n = 0;
      int[] row;
      while ((row = reader.nextInts()) != null) {
        if (n == rows.length) {
          rows = Arrays.copyOf(rows, 2 * n);
        }
        rows[n++] = row;
      }
      if (n == 0) {
        throw new VectorFileException(file, -1, "empty input: the file holds no vectors");
      }
      return Arrays.copyOf(rows, n);
    }
  }

  /** The dimension of the first record, or −1 before any record has been read. */
  public int dim() {
    return dim;
  }

  /** The next record of an fvecs file, or null at the end of the file. */
  public float[] nextFloats() throws IOException {
    if (!floats) {
      throw new IllegalStateException(file + " was opened as ivecs");
    }
    if (!readHeader()) {
      return null;
    }
    float[] row = new float[dim];
    for (int i = 0; i < dim; i++) {
      fill(4, "truncated record: ends after " + i + " of " + dim + " values");
      row[i] = buffer.getFloat();
      if (!Float.isFinite(row[i])) {
        throw new VectorFileException(file, record, "dimension " + i + " is " + row[i] + " (NaN and infinity are not vectors)");
      }
    }
    record++;
    return row;
  }

  /** The next record of an ivecs file, or null at the end of the file. */
  public int[] nextInts() throws IOException {
    if (floats) {
      throw new IllegalStateException(file + " was opened as fvecs");
    }
    if (!readHeader()) {
      return null;
    }
    int[] row = new int[dim];
    for (int i = 0; i < dim; i++) {
      fill(4, "truncated record: ends after " + i + " of " + dim + " values");
      row[i] = buffer.getInt();
    }
    record++;
    return row;
  }

  private boolean readHeader() throws IOException {
    if (!ensure(4)) {
      if (buffer.hasRemaining()) {
        throw new VectorFileException(file, record, "truncated record: " + buffer.remaining() + " stray bytes at the end of the file");
      }
      return false;
    }
    int d = buffer.getInt();
    if (d <= 0 || d > MAX_DIM) {
      throw new VectorFileException(file, record, "invalid dimension " + d + " (expected 1.." + MAX_DIM + "; is this a TEXMEX file?)");
    }
    if (dim < 0) {
      dim = d;
    } else if (d != dim) {
      throw new VectorFileException(file, record, "dimension " + d + " differs from the first record's " + dim);
    }
    return true;
  }

  private void fill(int bytes, String reason) throws IOException {
    if (!ensure(bytes)) {
      throw new VectorFileException(file, record, reason);
    }
  }

  /** Makes {@code bytes} bytes readable; false if the file ends first. */
  private boolean ensure(int bytes) throws IOException {
    if (buffer.remaining() >= bytes) {
      return true;
    }
    if (eof) {
      return false;
    }
    buffer.compact();
    while (buffer.position() < bytes) {
      if (channel.read(buffer) < 0) {
        eof = true;
        break;
      }
    }
    buffer.flip();
    return buffer.remaining() >= bytes;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
