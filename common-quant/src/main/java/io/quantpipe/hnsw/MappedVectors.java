package io.quantpipe.hnsw;

import io.quantpipe.format.CorruptArtifactException;
import io.quantpipe.format.MappedFile;
import io.quantpipe.quant.QueryScorer;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Float32 vectors read in place from a memory-mapped {@code .fvecs} file (each record an int32
 * dimension then that many float32s): the float vectors a quantized graph rescores with, kept out
 * of the graph file and off the heap. Checks the file's shape when opened; record contents are
 * trusted, as they were checked when the file was written.
 *
 * <p>Thread-safe; each scorer belongs to one thread.
 */
public final class MappedVectors implements ScorerSupplier {
  private final MappedFile file;
  private final int dim;
  private final int count;
  private final long recordBytes;
  private final Similarity similarity;

  private MappedVectors(MappedFile file, int dim, int count, Similarity similarity) {
    this.file = file;
    this.dim = dim;
    this.count = count;
    this.recordBytes = 4L * (dim + 1);
    this.similarity = similarity;
  }

  /** Maps {@code path}, checking that it holds whole records of dimension {@code dim}. */
  public static MappedVectors open(Path path, int dim, Similarity similarity) throws IOException {
    MappedFile file = MappedFile.open(path);
    String resource = path.toString();
    long recordBytes = 4L * (dim + 1);
    if (file.length() == 0 || file.length() % recordBytes != 0) {
      throw new CorruptArtifactException(resource, String.format(
          "%d bytes is not a whole number of %d-dimensional fvecs records", file.length(), dim));
    }
    long count = file.length() / recordBytes;
    if (count > Integer.MAX_VALUE) {
      throw new CorruptArtifactException(resource, count + " vectors do not fit 32-bit ordinals");
    }
    for (long record : new long[] {0, count - 1}) {
      int found = file.getInt(record * recordBytes);
      if (found != dim) {
        throw new CorruptArtifactException(resource, String.format(
            "record %d has dimension %d, expected %d", record, found, dim));
      }
    }
    return new MappedVectors(file, dim, (int) count, similarity);
  }

  /** Maps every page of the file into the process ({@link MappedFile#touchPages}). */
  public int touchPages(Runnable betweenChunks) {
    return file.touchPages(betweenChunks);
  }

  @Override
  public int size() {
    return count;
  }

  public int dimension() {
    return dim;
  }

  /** Copies vector {@code ordinal} into {@code dst}. */
  public void read(int ordinal, float[] dst) {
    long pos = ordinal * recordBytes + 4;
    for (int i = 0; i < dim; i++) {
      dst[i] = file.getFloat(pos + 4L * i);
    }
  }

  @Override
  public QueryScorer scorer(int ordinal) {
    float[] q = new float[dim];
    read(ordinal, q);
    return scorer(q);
  }

  @Override
  public QueryScorer scorer(float[] query) {
    if (query.length != dim) {
      throw new IllegalArgumentException(String.format(
          "Query dimension %d does not match the vectors' dimension %d", query.length, dim));
    }
    float[] q = similarity.prepare(query);
    boolean normalise = similarity == Similarity.COSINE;
    Similarity kernel = similarity.kernel();
    float[] row = new float[dim];
    return ordinal -> {
      read(ordinal, row);
      if (normalise) {
        io.quantpipe.vector.VectorUtil.normalize(row, 0, dim);
      }
      return kernel.score(q, 0, row, 0, dim);
    };
  }
}
