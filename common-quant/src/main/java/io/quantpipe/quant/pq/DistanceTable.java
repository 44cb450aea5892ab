package io.quantpipe.quant.pq;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;

/**
 * The per-query lookup table of asymmetric distance computation: entry {@code j·256 + c} is the
 * partial score of centroid {@code c} of subspace {@code j} against the query's {@code j}-th
 * sub-vector (negated squared L2, or inner product). Scoring a code is {@code m} lookups and adds.
 * Built once per query in {@code O(256·d)}; one query, one thread.
 */
public final class DistanceTable implements CodeScorer {
  private final float[] table;
  private final int m;
  private final boolean negate;

  private DistanceTable(float[] table, int m, boolean negate) {
    this.table = table;
    this.m = m;
    this.negate = negate;
  }

  /**
   * Builds the table for a prepared query from the codebooks held transposed
   * ({@link #transpose}): eight centroids per step, with the same values, bit for bit, as one
   * {@link VectorUtil#squareDistance} or {@link VectorUtil#dot} per centroid.
   */
  static DistanceTable build(float[] query, float[][] columns, int dsub, Similarity kernel) {
    int m = columns.length;
    float[] table = new float[m * PqParams.KSUB];
    boolean l2 = kernel == Similarity.EUCLIDEAN;
    for (int j = 0; j < m; j++) {
      VectorUtil.transposedScores(query, j * dsub, dsub, columns[j], PqParams.KSUB, l2, table, j * PqParams.KSUB);
    }
    return new DistanceTable(table, m, l2);
  }

  /** A subspace's codebook ({@code 256 × dsub} row-major) as {@code dsub} columns of 256 values. */
  static float[] transpose(float[] book, int dsub) {
    float[] columns = new float[book.length];
    for (int c = 0; c < PqParams.KSUB; c++) {
      for (int t = 0; t < dsub; t++) {
        columns[t * PqParams.KSUB + c] = book[c * dsub + t];
      }
    }
    return columns;
  }

  @Override
  public float score(byte[] codes, int offset) {
    float s = VectorUtil.lookupSum(table, codes, offset, m);
    return negate ? -s : s;
  }

  @Override
  public void scoreAll(byte[] codes, int offset, int codeBytes, int count, float[] out) {
    VectorUtil.lookupSums(table, codes, offset, m, count, out);
    if (negate) {
      for (int i = 0; i < count; i++) {
        out[i] = -out[i];
      }
    }
  }
}
