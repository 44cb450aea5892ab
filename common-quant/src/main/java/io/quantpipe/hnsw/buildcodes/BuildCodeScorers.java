package io.quantpipe.hnsw.buildcodes;

import io.quantpipe.hnsw.ScorerSupplier;
import io.quantpipe.quant.QueryScorer;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;

/**
 * Scores build codes symmetrically, code against code: {@code scale·Σu_i·v_i + c_u + c_v} with the
 * exact integer dot of {@link VectorUtil#dotBytes} (see {@link BuildQuantizer}). An inserted node's
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
  }

  @Override
  public int size() {
    return vectors.count();
  }

  @Override
  public QueryScorer scorer(int ordinal) {
    int qOff = ordinal * dim;
    float qc = corrections[ordinal];
    return ord -> scale * VectorUtil.dotBytes(codes, qOff, codes, ord * dim, dim) + qc + corrections[ord];
  }

  @Override
  public QueryScorer scorer(float[] query) {
    vectors.quantizer().checkDimension(query.length);
    byte[] q = new byte[dim];
    float qc = vectors.quantizer().encode(similarity.prepare(query), 0, q, 0);
    return ord -> scale * VectorUtil.dotBytes(q, 0, codes, ord * dim, dim) + qc + corrections[ord];
  }
}
