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
 * L2, whatever the search metric, as in FAISS) among {@code ksub}.
 *
 * <p>Code layout: with {@code ksub = 256} a code is {@code m} bytes, byte {@code j} the centroid of
 * subspace {@code j}. With {@code ksub = 16} (4-bit PQ) two subspaces share a byte and a code is
 * {@code ceil(m/2)} bytes: <b>subspace {@code 2i} in the low nibble of byte {@code i}, subspace
 * {@code 2i+1} in its high nibble</b> (the high nibble of the last byte is 0 when {@code m} is odd),
 * the order FAISS's {@code ProductQuantizer} with {@code nbits = 4} writes.
 *
 * <p>Search is asymmetric distance computation: per query, a {@link DistanceTable} of partial
 * scores (squared distances for L2, inner products for ip/cosine) is built once; a code's score is
 * the sum of one table entry per code byte. For 4-bit codes the table is folded per byte (entry
 * {@code (i, b)} is subspace 2i's entry for {@code b & 15} plus subspace 2i+1's for {@code b >> 4}),
 * so both widths run the same byte-lookup kernel. {@code io.quantpipe.search.FastScanSearcher} is the faster 4-bit scan.
 *
 * <p>Codebooks are held flat per subspace, {@code [m][ksub × dsub]}. Training lives in
 * {@link PqTrainer}. Immutable and thread-safe.
 */
public final class ProductQuantizer implements Quantizer {
  /** Vectors per {@link #encodeBlock} pass: 32 × 1536 floats, 192 KB, stay in L2 while each codebook is read. */
  private static final int BLOCK = 32;
  private final Similarity similarity;
  private final int dim;
  private final int m;
  private final int dsub;
  private final int ksub;
  private final float[][] codebooks;
  /** The codebooks transposed, for building lookup tables eight centroids at a time. */
  private final float[][] columns;
  private final NearestCentroid[] indexes;

  /** 8-bit PQ: {@code codebooks[j]} holds 256 centroids of {@code d/m} dims, row-major. */
  public ProductQuantizer(Similarity similarity, int dim, float[][] codebooks) {
    this(similarity, dim, PqParams.KSUB, codebooks);
  }

  /**
   * @param ksub centroids per subspace, 16 or 256
   * @param codebooks {@code m} arrays of {@code ksub × (dim/m)} floats, row-major (copied)
   */
  public ProductQuantizer(Similarity similarity, int dim, int ksub, float[][] codebooks) {
    this.m = codebooks.length;
    new PqParams(m, ksub, 0, 0).checkDimension(dim); // m ≥ 1, m divides dim, ksub is 16 or 256
    this.similarity = similarity;
    this.dim = dim;
    this.dsub = dim / m;
    this.ksub = ksub;
    this.codebooks = new float[m][];
    for (int j = 0; j < m; j++) {
      if (codebooks[j].length != ksub * dsub) {
        throw new IllegalArgumentException(String.format(
            "PQ codebook %d has %d values; expected %d centroids x %d dims", j, codebooks[j].length, ksub, dsub));
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
      this.columns[j] = DistanceTable.transpose(this.codebooks[j], ksub, dsub);
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

  /** Number of subspaces. */
  public int m() {
    return m;
  }

  /** Centroids per subspace: 256 (a byte per subspace) or 16 (a nibble per subspace). */
  public int ksub() {
    return ksub;
  }

  public int dsub() {
    return dsub;
  }

  /** Subspace {@code j}'s codebook, {@code ksub × dsub} row-major (a copy). */
  public float[] codebook(int j) {
    return codebooks[j].clone();
  }

  @Override
  public int codeBytes() {
    return ksub == PqParams.KSUB ? m : (m + 1) / 2;
  }

  /** Subspace {@code j}'s centroid index in a code at {@code off}, for either code width. */
  public int centroid(byte[] codes, int off, int j) {
    if (ksub == PqParams.KSUB) {
      return codes[off + j] & 0xFF;
    }
    int b = codes[off + (j >> 1)] & 0xFF;
    return (j & 1) == 0 ? b & 0x0F : b >>> 4;
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
      int bytes = codeBytes();
      for (int j = 0; j < m; j++) {
        indexes[j].assign(block, j * dsub, dim, n, assignment, score);
        for (int i = 0; i < n; i++) {
          int at = dstOff + (from + i) * bytes;
          if (ksub == PqParams.KSUB) {
            dst[at + j] = (byte) assignment[i];
          } else if ((j & 1) == 0) {
            dst[at + (j >> 1)] = (byte) assignment[i]; // low nibble; clears a stale high nibble too
          } else {
            dst[at + (j >> 1)] |= (byte) (assignment[i] << 4);
          }
        }
      }
    }
  }

  @Override
  public CodeScorer scorer(float[] query) {
    checkDimension(query.length);
    return DistanceTable.build(similarity.prepare(query), columns, ksub, dsub, similarity.kernel());
  }

  @Override
  public float[] decode(byte[] codes, int off) {
    float[] v = new float[dim];
    for (int j = 0; j < m; j++) {
      System.arraycopy(codebooks[j], centroid(codes, off, j) * dsub, v, j * dsub, dsub);
    }
    return v;
  }

  @Override
  public String describe() {
    return "pq m=" + m + " x " + (ksub == PqParams.KSUB ? 8 : 4) + " bits (" + similarity.cliName() + ", d=" + dim + ")";
  }
}
