package io.quantpipe.hnsw.buildcodes;

import io.quantpipe.hnsw.ScorerSupplier;
import io.quantpipe.quant.QueryScorer;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;

/**
 * Scores build codes symmetrically, code against code: {@code scale·Σu_i·v_i + c_u + c_v} with the
 * exact integer dot of {@link VectorUtil#dotSevenBit} for 7-bit codes, {@link VectorUtil#dotBytes}
 * for 8-bit ones (see {@link BuildQuantizer}); a neighbour list is scored in one call. An inserted node's
 * own code is its query; an outside float query is encoded first, so both score on one scale.
 * Thread-safe; each scorer belongs to one thread.
 */
public final class BuildCodeScorers implements ScorerSupplier {
  private final BuildCodes vectors;
  private final byte[] codes;
  private final float[] corrections;
  private final float scale;
  private final int dim;
  private final Similarity similarity;
  /** Whether the codes are 7-bit, so the 16-bit-lane kernels apply ({@link VectorUtil#dotSevenBit}). */
  private final boolean sevenBit;

  /** @param similarity the graph's similarity; its kernel must be the one the codes were trained for */
  public BuildCodeScorers(BuildCodes vectors, Similarity similarity) {
    if (similarity.kernel() != vectors.quantizer().similarity()) {
      throw new IllegalArgumentException("Build codes trained for " + vectors.quantizer().similarity()
          + " cannot score " + similarity);
    }
    this.vectors = vectors;
    this.codes = vectors.codes();
    this.corrections = vectors.corrections();
    this.scale = vectors.quantizer().scale();
    this.dim = vectors.quantizer().dimension();
    this.similarity = similarity;
    this.sevenBit = vectors.quantizer().bits() == 7;
  }

  @Override
  public int size() {
    return vectors.count();
  }

  @Override
  public QueryScorer scorer(int ordinal) {
    return new CodeScorer(codes, ordinal * dim, corrections[ordinal]);
  }

  @Override
  public QueryScorer scorer(float[] query) {
    vectors.quantizer().checkDimension(query.length);
    byte[] q = new byte[dim];
    float qc = vectors.quantizer().encode(similarity.prepare(query), 0, q, 0);
    return new CodeScorer(q, 0, qc);
  }

  /**
   * One query code's scores: a named class rather than a lambda so that a neighbour list is
   * scored in one kernel call ({@link #scores}), two codes per pass.
   */
  private final class CodeScorer implements QueryScorer {
    private final byte[] query;
    private final int queryOff;
    private final float queryCorrection;
    private int[] dots = new int[0];

    CodeScorer(byte[] query, int queryOff, float queryCorrection) {
      this.query = query;
      this.queryOff = queryOff;
      this.queryCorrection = queryCorrection;
    }

    @Override
    public float score(int ord) {
      int dot = sevenBit ? VectorUtil.dotSevenBit(query, queryOff, codes, ord * dim, dim)
          : VectorUtil.dotBytes(query, queryOff, codes, ord * dim, dim);
      return scale * dot + queryCorrection + corrections[ord];
    }

    @Override
    public void scores(int[] ordinals, int count, float[] out) {
      if (dots.length < count) {
        dots = new int[count];
      }
      if (sevenBit) {
        VectorUtil.dotSevenBits(query, queryOff, codes, dim, ordinals, count, dots);
      } else {
        VectorUtil.dotBytes(query, queryOff, codes, dim, ordinals, count, dots);
      }
      for (int j = 0; j < count; j++) {
        out[j] = scale * dots[j] + queryCorrection + corrections[ordinals[j]];
      }
    }
  }
}
