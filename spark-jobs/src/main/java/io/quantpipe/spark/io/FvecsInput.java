package io.quantpipe.spark.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Reads an {@code .fvecs} file (TEXMEX: per record a little-endian int32 dimension, then that many
 * float32) on the executors. The driver reads only the file length and the first record's
 * dimension; every task seeks to its own range of records, so the corpus never passes through the
 * driver. A record's id is its position in the file.
 *
 * <p>Records are fixed-size, so a record whose dimension field disagrees with the first one means the
 * file is corrupt from there on: the task fails naming the record. Values are not checked here; the
 * import's validation rejects non-finite rows like any other input. Stateless.
 */
public final class FvecsInput {
  /** The schema of the rows produced: the canonical input columns. */
  public static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("vector", DataTypes.createArrayType(DataTypes.FloatType, true), true);

  private FvecsInput() {}

  /** The file's dimension and record count, read on the driver. */
  public record Shape(int dim, long records) {}

  /** Reads the header of {@code file} and checks that its length is a whole number of records. */
  public static Shape shape(String file, Configuration conf) throws IOException {
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(conf);
    long length = fs.getFileStatus(path).getLen();
    if (length == 0) {
      throw new IllegalArgumentException("Cannot import " + file + ": the file is empty (no vectors)");
    }
    int dim;
    try (FSDataInputStream in = fs.open(path)) {
      dim = Integer.reverseBytes(in.readInt());
    }
    if (dim <= 0 || dim > 1 << 20) {
      throw new IllegalArgumentException("Cannot import " + file + ": the first record declares dimension " + dim
          + "; not an fvecs file?");
    }
    long recordBytes = 4L + 4L * dim;
    if (length % recordBytes != 0) {
      throw new IllegalArgumentException(String.format(
          "Cannot import %s: %d bytes is not a whole number of %d-byte records of dimension %d (truncated, or records"
              + " of other dimensions from record %d on)", file, length, recordBytes, dim, length / recordBytes));
    }
    return new Shape(dim, length / recordBytes);
  }

  /** The file as a DataFrame of (id, vector), read in {@code splits} ranges of records. */
  public static Dataset<Row> read(SparkSession spark, String file, int splits) throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Shape shape = shape(file, hadoop);
    int n = (int) Math.max(1, Math.min(splits, shape.records()));
    List<long[]> ranges = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      ranges.add(new long[] {shape.records() * s / n, shape.records() * (s + 1) / n});
    }
    SerializableConfiguration conf = new SerializableConfiguration(hadoop);
    int dim = shape.dim();
    var rows = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ranges, n)
        .flatMap(range -> readRange(file, conf.value(), dim, range[0], range[1]));
    return spark.createDataFrame(rows, SCHEMA);
  }

  /**
   * Streams records {@code [from, to)} one row at a time, so a task holds one record, not its split. The
   * stream is closed at the end of the range, or when the task ends early (failure, {@code limit}).
   */
  private static Iterator<Row> readRange(String file, Configuration conf, int dim, long from, long to)
      throws IOException {
    Path path = new Path(file);
    FSDataInputStream raw = path.getFileSystem(conf).open(path);
    raw.seek(from * (4L + 4L * dim));
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20));
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> closeQuietly(in));
    }
    return new RecordIterator(file, in, dim, from, to);
  }

  private static void closeQuietly(DataInputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // The task is over; a failed close of a read-only stream loses nothing.
    }
  }

  /** One pass over a range of records; checks each record's dimension field as it goes. */
  private static final class RecordIterator implements Iterator<Row> {
    private final String file;
    private final DataInputStream in;
    private final int dim;
    private final long to;
    private final byte[] record;
    private final ByteBuffer buf;
    private long next;

    RecordIterator(String file, DataInputStream in, int dim, long from, long to) {
      this.file = file;
      this.in = in;
      this.dim = dim;
      this.to = to;
      this.next = from;
      this.record = new byte[4 + 4 * dim];
      this.buf = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public boolean hasNext() {
      if (next < to) {
        return true;
      }
      closeQuietly(in);
      return false;
    }

    @Override
    public Row next() {
      if (next >= to) {
        throw new NoSuchElementException();
      }
      long id = next++;
      try {
        in.readFully(record);
      } catch (EOFException e) {
        throw new UncheckedIOException(new IOException(file + ": truncated at record " + id, e));
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot read record " + id, e);
      }
      int d = buf.getInt(0);
      if (d != dim) {
        throw new IllegalStateException(String.format("%s: record %d declares dimension %d, expected %d; the file"
            + " is corrupt from this record on", file, id, d, dim));
      }
      Float[] v = new Float[dim];
      for (int j = 0; j < dim; j++) {
        v[j] = buf.getFloat(4 + 4 * j);
      }
      return RowFactory.create(id, v);
    }
  }
}
