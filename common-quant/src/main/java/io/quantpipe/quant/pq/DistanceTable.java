package io.quantpipe.quant.pq;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;

/**
 * The per-query lookup table of asymmetric distance computation, one row of 256 floats per code
 * byte, scored with {@link VectorUtil#lookupSum}.
 *
 * <p>8-bit PQ: entry {@code j·256 + c} is the partial score of centroid {@code c} of subspace
 * {@code j} against the query's {@code j}-th sub-vector (negated squared L2, or inner product).
 *
 * <p>4-bit PQ: the {@code m × 16} subspace table ({@link #subspaceTable}) is folded per byte, entry
 * {@code i·256 + b} being {@code T[2i][b & 15] + T[2i+1][b >> 4]} (one float addition, rounded;
 * {@code T[m][·] = 0} when {@code m} is odd), so a code costs {@code ceil(m/2)} lookups and the same
 * kernel serves both widths. Scores of 4-bit codes are defined by this folded sum.
 *
 * <p>Built once per query in {@code O(ksub·d)} (plus {@code 256·ceil(m/2)} additions for 4-bit);
 * one query, one thread.
 */
public final class DistanceTable implements CodeScorer {
  private final float[] table;
  /** The unfolded {@code m × ksub} table (the same array as {@link #table} for 8-bit). */
  private final float[] subspaces;
  private final int bytes;
  private final boolean negate;

  private DistanceTable(float[] table, float[] subspaces, int bytes, boolean negate) {
    this.table = table;
    this.subspaces = subspaces;
    this.bytes = bytes;
    this.negate = negate;
  }

  /**
   * Builds the table for a prepared query from the codebooks held transposed
   * ({@link #transpose}): eight centroids per step, with the same values, bit for bit, as one
   * {@link VectorUtil#squareDistance} or {@link VectorUtil#dot} per centroid.
   */
  static DistanceTable build(float[] query, float[][] columns, int ksub, int dsub, Similarity kernel) {
    int m = columns.length;
    float[] sub = new float[m * ksub];
    boolean l2 = kernel == Similarity.EUCLIDEAN;
    for (int j = 0; j < m; j++) {
      VectorUtil.transposedScores(query, j * dsub, dsub, columns[j], ksub, l2, sub, j * ksub);
    }
    if (ksub == PqParams.KSUB) {
      return new DistanceTable(sub, sub, m, l2);
    }
    int bytes = (m + 1) / 2;
    float[] folded = new float[bytes * 256];
    for (int i = 0; i < bytes; i++) {
      int lo = 2 * i * ksub;
      int hi = lo + ksub;
      boolean pair = 2 * i + 1 < m;
      for (int b = 0; b < 256; b++) {
        folded[i * 256 + b] = sub[lo + (b & 15)] + (pair ? sub[hi + (b >>> 4)] : 0f);
      }
    }
    return new DistanceTable(folded, sub, bytes, l2);
  }

  /** A subspace's codebook ({@code ksub × dsub} row-major) as {@code dsub} columns of ksub values. */
  static float[] transpose(float[] book, int ksub, int dsub) {
    float[] columns = new float[book.length];
    for (int c = 0; c < ksub; c++) {
      for (int t = 0; t < dsub; t++) {
        columns[t * ksub + c] = book[c * dsub + t];
      }
    }
    return columns;
  }

  /**
   * The unfolded table, {@code m × ksub} row-major (a copy): entry {@code j·ksub + c} is centroid
   * {@code c} of subspace {@code j}'s partial squared distance (l2) or inner product (ip), not negated.
   */
  public float[] subspaceTable() {
    return subspaces.clone();
  }

  /** Whether scores are the negated table sums (l2: higher is better). */
  public boolean negated() {
    return negate;
  }

  @Override
  public float score(byte[] codes, int offset) {
    float s = VectorUtil.lookupSum(table, codes, offset, bytes);
    return negate ? -s : s;
  }

  @Override
  public void scoreAll(byte[] codes, int offset, int codeBytes, int count, float[] out) {
    VectorUtil.lookupSums(table, codes, offset, bytes, count, out);
    if (negate) {
      for (int i = 0; i < count; i++) {
        out[i] = -out[i];
      }
    }
  }
}
