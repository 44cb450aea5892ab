package io.quantpipe.quant.pq;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.QuantizerKind;
import io.quantpipe.quant.kmeans.NearestCentroid;
import io.quantpipe.vector.Similarity;

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
    float[] v = prepareForEncoding(vector);
    float[] scratch = new float[PqParams.KSUB];
    for (int j = 0; j < m; j++) {
      dst[off + j] = (byte) indexes[j].nearest(v, j * dsub, scratch);
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
