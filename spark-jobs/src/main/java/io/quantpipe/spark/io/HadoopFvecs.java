package io.quantpipe.spark.io;

import io.quantpipe.storage.IndexStore;

import io.quantpipe.vector.FloatVectors;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads a small fvecs or ivecs file (queries, ground truth) from any Hadoop file system into
 * memory on the driver, and writes small fvecs files (centroids, held-out queries). For the corpus use {@link FvecsInput}, which reads on the executors.
 */
public final class HadoopFvecs {
  private HadoopFvecs() {}

  /** At most {@code limit} vectors of an fvecs file. */
  public static FloatVectors readFvecs(String file, Configuration conf, int limit) throws IOException {
    int[][] rows = readWords(file, conf, limit);
    int dim = rows.length == 0 ? 0 : rows[0].length;
    float[] data = new float[rows.length * dim];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < dim; j++) {
        data[i * dim + j] = Float.intBitsToFloat(rows[i][j]);
      }
    }
    if (rows.length == 0) {
      throw new IllegalArgumentException(file + " holds no vectors");
    }
    return new FloatVectors(data, dim);
  }

  /** Writes {@code vectors} as fvecs to {@code name} in {@code store}, replacing what is there. */
  public static void writeFvecs(IndexStore store, String name, FloatVectors vectors) throws IOException {
    try (java.io.OutputStream out = new java.io.BufferedOutputStream(store.create(name))) {
      ByteBuffer row = ByteBuffer.allocate(4 + 4 * vectors.dim()).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < vectors.count(); i++) {
        row.clear();
        row.putInt(vectors.dim());
        for (int j = 0; j < vectors.dim(); j++) {
          row.putFloat(vectors.data()[vectors.offset(i) + j]);
        }
        out.write(row.array());
      }
    }
  }

  /** Each record's 32-bit little-endian words, after its dimension field. */
  private static int[][] readWords(String file, Configuration conf, int limit) throws IOException {
    Path path = new Path(file);
    java.util.List<int[]> rows = new java.util.ArrayList<>();
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(path.getFileSystem(conf).open(path)))) {
      int first = -1;
      while (rows.size() < limit) {
        int d;
        try {
          d = Integer.reverseBytes(in.readInt());
        } catch (EOFException end) {
          break;
        }
        if (d <= 0 || (first >= 0 && d != first)) {
          throw new IllegalArgumentException(String.format("%s: record %d declares dimension %d, expected %d",
              file, rows.size(), d, first));
        }
        first = d;
        byte[] bytes = new byte[4 * d];
        in.readFully(bytes);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int[] row = new int[d];
        for (int j = 0; j < d; j++) {
          row[j] = buf.getInt(4 * j);
        }
        rows.add(row);
      }
    }
    return rows.toArray(new int[0][]);
  }

  /** At most {@code limit} rows of an ivecs file (ground-truth ids). */
  public static long[][] readIvecs(String file, Configuration conf, int limit) throws IOException {
    int[][] rows = readWords(file, conf, limit);
    long[][] out = new long[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = new long[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = (long) rows[i][j];
      }
    }
    return out;
  }
}
