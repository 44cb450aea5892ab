package io.quantpipe.flink.codebook;

import io.quantpipe.catalog.Codebooks;
import io.quantpipe.flink.record.RawRecord;
import java.util.Arrays;

/**
 * The block of parsed inserts the {@link EncodeOperator} has not encoded yet: their vectors back to
 * back (what {@link Codebooks#encodeBlock} takes) and, per insert, the id and the source position
 * its output carries. Holds no raw record, so it is safe with Flink's object reuse. One per
 * operator instance and codebook version; not thread-safe.
 */
final class PendingInserts {
  private final int dim;
  private final int codeBytes;
  private final float[] block;
  private final float[][] vectors;
  private final long[] ids;
  private final long[] timestamps;
  private final int[] partitions;
  private final long[] offsets;
  private final byte[] codes;
  private final int[] assigned;
  private int size;

  PendingInserts(int dim, int codeBytes, int capacity) {
    this.dim = dim;
    this.codeBytes = codeBytes;
    this.block = new float[capacity * dim];
    this.vectors = new float[capacity][];
    this.ids = new long[capacity];
    this.timestamps = new long[capacity];
    this.partitions = new int[capacity];
    this.offsets = new long[capacity];
    this.codes = new byte[capacity * codeBytes];
    this.assigned = new int[capacity];
  }

  /** Why this vector cannot be encoded with the codebooks of {@code version}, or {@code null} if it can. */
  String check(float[] vector, int version) {
    if (vector.length != dim) {
      return String.format("vector has dimension %d; the codebooks of version %d take %d", vector.length, version, dim);
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        return "vector has " + vector[i] + " at dimension " + i + "; codes need finite values";
      }
    }
    return null;
  }

  /** Adds a checked insert ({@link #check}); the caller flushes before the block overflows. */
  void add(long id, float[] vector, RawRecord source) {
    System.arraycopy(vector, 0, block, size * dim, dim);
    vectors[size] = vector;
    ids[size] = id;
    timestamps[size] = source.timestamp();
    partitions[size] = source.partition();
    offsets[size] = source.offset();
    size++;
  }

  int size() {
    return size;
  }

  /** The codes and coarse partitions of the pending inserts, encoded as one block. */
  Encoded encode(Codebooks books) {
    books.encodeBlock(block, size, codes, assigned);
    return new Encoded();
  }

  void clear() {
    Arrays.fill(vectors, 0, size, null);
    size = 0;
  }

  float[] vector(int i) {
    return vectors[i];
  }

  long id(int i) {
    return ids[i];
  }

  long timestamp(int i) {
    return timestamps[i];
  }

  int sourcePartition(int i) {
    return partitions[i];
  }

  long sourceOffset(int i) {
    return offsets[i];
  }

  /** A view of the last {@link #encode}: valid until the next one. */
  final class Encoded {
    /** Insert {@code i}'s code, a copy (it outlives the block in the output record). */
    byte[] code(int i) {
      return Arrays.copyOfRange(codes, i * codeBytes, (i + 1) * codeBytes);
    }

    int partition(int i) {
      return assigned[i];
    }
  }
}
