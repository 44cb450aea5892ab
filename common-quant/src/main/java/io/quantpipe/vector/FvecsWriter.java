package io.quantpipe.vector;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes TEXMEX {@code .fvecs} / {@code .ivecs} files (the layout {@link FvecsReader} reads), for
 * derived datasets and computed ground truth.
 */
public final class FvecsWriter {
  private FvecsWriter() {}

  public static void writeFvecs(Path file, FloatVectors vectors) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      ByteBuffer rec = ByteBuffer.allocate(4 + 4 * vectors.dim()).order(ByteOrder.LITTLE_ENDIAN);
      float[] data = vectors.data();
      for (int i = 0; i < vectors.count(); i++) {
        rec.clear();
        rec.putInt(vectors.dim());
        for (int j = 0, off = vectors.offset(i); j < vectors.dim(); j++) {
          rec.putFloat(data[off + j]);
        }
        out.write(rec.array());
      }
    }
  }

  public static void writeIvecs(Path file, int[][] rows) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      for (int[] row : rows) {
        ByteBuffer rec = ByteBuffer.allocate(4 + 4 * row.length).order(ByteOrder.LITTLE_ENDIAN);
        rec.putInt(row.length);
        for (int v : row) {
          rec.putInt(v);
        }
        out.write(rec.array());
      }
    }
  }
}
