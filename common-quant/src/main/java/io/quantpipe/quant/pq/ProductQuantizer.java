package io.quantpipe.quant.pq;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.QuantizerKind;
import io.quantpipe.quant.kmeans.NearestCentroid;
import io.quantpipe.vector.Similarity;
import java.util.Arrays;

/**
 * Product quantization (Jégou, Douze &amp; Schmid, 2011): the vector is split into {@code m}
 * sub-vectors of {@code dsub = d/m} dims, each replaced by the index of its nearest centroid (by
 * L2, whatever the search metric, as in FAISS) among 256, so a code is {@code m} bytes.
 *
 * <p>Search is asymmetric distance computation: per query, a {@link DistanceTable} of
 * {@code m × 256} partial scores (squared distances for L2, inner products for ip/cosine) is built
 * once; a code's score is the sum of {@code m} table entries.
 *
 * <p>Codebooks are held flat per subspace, {@code [m][256 × dsub]}. Training lives in
 * {@link PqTrainer}. Immutable and thread-safe.
 */
public final class ProductQuantizer implements Quantizer {
  /** Vectors per {@link #encodeBlock} pass: 32 × 1536 floats, 192 KB, stay in L2 while each codebook is read. */
  private static final int BLOCK = 32;
  private final Similarity similarity;
  private final int dim;
  private final int m;
  private final int dsub;
  private final float[][] codebooks;
  /** The codebooks transposed, for building lookup tables eight centroids at a time. */
  private final float[][] columns;
  private final NearestCentroid[] indexes;

  public ProductQuantizer(Similarity similarity, int dim, float[][] codebooks) {
    this.m = codebooks.length;
    new PqParams(m, 0, 0).checkDimension(dim); // m ≥ 1 and m divides dim
    this.similarity = similarity;
    this.dim = dim;
    this.dsub = dim / m;
    this.codebooks = new float[m][];
    for (int j = 0; j < m; j++) {
      if (codebooks[j].length != PqParams.KSUB * dsub) {
        throw new IllegalArgumentException(String.format(
            "PQ codebook %d has %d values; expected %d centroids x %d dims", j, codebooks[j].length, PqParams.KSUB, dsub));
      }
      for (float v : codebooks[j]) {
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("PQ codebook " + j + " holds a non-finite value " + v);
        }
      }
      this.codebooks[j] = codebooks[j].clone();
    }
    this.columns = new float[m][];
    for (int j = 0; j < m; j++) {
      this.columns[j] = DistanceTable.transpose(this.codebooks[j], dsub);
    }
    this.indexes = PqTrainer.indexes(this.codebooks, dim);
  }

  @Override
  public QuantizerKind kind() {
    return QuantizerKind.PRODUCT;
  }

  @Override
  public int dimension() {
    return dim;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  /** Number of subspaces (bytes per code). */
  public int m() {
    return m;
  }

  public int dsub() {
    return dsub;
  }

  /** Subspace {@code j}'s codebook, {@code 256 × dsub} row-major (a copy). */
  public float[] codebook(int j) {
    return codebooks[j].clone();
  }

  @Override
  public int codeBytes() {
    return m;
  }

  @Override
  public void encode(float[] vector, byte[] dst, int off) {
    checkDimension(vector.length);
    encodeBlock(vector, 0, 1, dst, off);
  }

  /**
   * Up to {@value #BLOCK} vectors at a time, subspace by subspace: each codebook (8 KB at
   * {@code dsub} = 8) is read once per block from cache, and the kernel scores four sub-vectors per
   * pass over it. Every sub-vector gets the centroid one {@link NearestCentroid#nearest} call would
   * give, bit for bit, so the codes are those of one vector at a time.
   */
  @Override
  public void encodeBlock(float[] vectors, int offset, int count, byte[] dst, int dstOff) {
    float[] block = new float[Math.min(count, BLOCK) * dim];
    int[] assignment = new int[BLOCK];
    float[] score = new float[BLOCK];
    for (int from = 0; from < count; from += BLOCK) {
      int n = Math.min(BLOCK, count - from);
      for (int i = 0; i < n; i++) {
        float[] row = Arrays.copyOfRange(vectors, offset + (from + i) * dim, offset + (from + i + 1) * dim);
        try {
          System.arraycopy(prepareForEncoding(row), 0, block, i * dim, dim);
        } catch (IllegalArgumentException e) {
          throw count == 1 ? e : new IllegalArgumentException("Vector " + (from + i) + " of the block: " + e.getMessage(), e);
        }
      }
      for (int j = 0; j < m; j++) {
        indexes[j].assign(block, j * dsub, dim, n, assignment, score);
        for (int i = 0; i < n; i++) {
          dst[dstOff + (from + i) * m + j] = (byte) assignment[i];
        }
      }
    }
  }

  @Override
  public CodeScorer scorer(float[] query) {
    checkDimension(query.length);
    return DistanceTable.build(similarity.prepare(query), columns, dsub, similarity.kernel());
  }

  @Override
  public float[] decode(byte[] codes, int off) {
    float[] v = new float[dim];
    for (int j = 0; j < m; j++) {
      System.arraycopy(codebooks[j], (codes[off + j] & 0xFF) * dsub, v, j * dsub, dsub);
    }
    return v;
  }

  @Override
  public String describe() {
    return "pq m=" + m + " x 8 bits (" + similarity.cliName() + ", d=" + dim + ")";
  }
}
